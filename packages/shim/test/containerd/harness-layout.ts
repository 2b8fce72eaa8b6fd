/**
 * Where everything of one containerd instance lives: all under one temp dir, so removing the dir removes
 * the instance, and a dir left by a crashed run can be recognised and cleaned by its prefix.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerdPaths } from './containerd-config.ts';

/** Temp dirs of harness instances start with this; short, as socket paths must stay under 108 bytes. */
export const HARNESS_DIR_PREFIX = 'spinkube-ctrd-';

/** Default namespaces are `shimtest-<random>`: used by one instance only, so their leftovers can go. */
export const GENERATED_NAMESPACE_PREFIX = 'shimtest-';

export function generateNamespace(): string {
  return `${GENERATED_NAMESPACE_PREFIX}${randomBytes(4).toString('hex')}`;
}

export function isGeneratedNamespace(namespace: string): boolean {
  return /^shimtest-[0-9a-f]{8}$/.test(namespace);
}

export interface HarnessLayout extends ContainerdPaths {
  readonly dir: string;
  readonly config: string;
  /** containerd's stdout and stderr, across restarts. */
  readonly log: string;
  /** Who owns the instance (`HarnessOwner`), so a later run can tell a crashed run's dir from a live one. */
  readonly owner: string;
  /** `ctr run --fifo-dir`: the stdio FIFOs, instead of the machine-wide /run/containerd/fifo. */
  readonly fifoDir: string;
  /** `ctr run --runc-root`: runc's container state, instead of the machine-wide /run/containerd/runc. */
  readonly runcRoot: string;
  /** Bundles: `<taskDir>/<namespace>/<id>`. */
  readonly taskDir: string;
}

export interface HarnessOwner {
  /** The test process that started the instance; while it lives, the dir is in use. */
  readonly ownerPid: number;
  /** The owner's start time (`ProcessEntry.startTime`): a PID alone may have been reused since. */
  readonly ownerStartTime: number;
  readonly containerdPid: number;
  readonly namespace: string;
}

export function harnessLayout(dir: string): HarnessLayout {
  const state = join(dir, 'state');
  return {
    dir,
    root: join(dir, 'root'),
    state,
    address: join(state, 'containerd.sock'),
    // containerd tells shims TTRPC_ADDRESS=<address>.ttrpc whatever its config says: keep the two equal.
    ttrpcAddress: join(state, 'containerd.sock.ttrpc'),
    opt: join(dir, 'opt'),
    config: join(dir, 'config.toml'),
    log: join(dir, 'containerd.log'),
    owner: join(dir, 'owner.json'),
    fifoDir: join(dir, 'fifo'),
    runcRoot: join(state, 'runc'),
    taskDir: join(state, 'io.containerd.runtime.v2.task'),
  };
}

export function harnessDirParent(): string {
  return tmpdir();
}
