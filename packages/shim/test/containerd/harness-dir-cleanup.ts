/**
 * Removes what a containerd instance leaves after containerd itself is gone: shims and their containers,
 * the shims' sockets in /run/containerd/s, mounts, cgroups, the runtimes' per-namespace state outside
 * the dir, and finally the dir. Used by `stop()` and for dirs of crashed runs. Returns what could not be
 * removed, so the caller can fail loudly.
 */
import { readFileSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { removeCgroup } from '@spinkube/test-cluster';
import { harnessLayout } from './harness-layout.ts';
import { unmountUnder } from './leftover-mounts.ts';
import { killProcessesUnder } from './leftover-processes.ts';

/** Shims bind their sockets here whatever their containerd's state dir (runc's shim and runwasi alike). */
const SHIM_SOCKET_DIR = '/run/containerd/s/';

/**
 * Machine-wide state runtimes keep per namespace: runc's default root (when `ctr run` is not given
 * `--runc-root`) and runwasi's libcontainer root. Removed only for a namespace no one else uses.
 */
const NAMESPACE_STATE_DIRS = ['/run/containerd/runc', '/run/containerd/spin'];

interface Bundle {
  readonly shimSocket?: string;
  readonly cgroupsPath?: string;
}

/** `privateNamespace`: a namespace only this instance used, whose cgroup and runtime state go too. */
export async function cleanUpHarnessDir(dir: string, privateNamespace?: string): Promise<string[]> {
  const problems: string[] = [];
  const bundles = listBundles(harnessLayout(dir).taskDir);
  const survivors = await killProcessesUnder(dir);
  if (survivors.length > 0) problems.push(`processes that would not die: ${survivors.join(', ')}`);
  for (const { shimSocket } of bundles) {
    if (shimSocket?.startsWith(SHIM_SOCKET_DIR) && isSocket(shimSocket)) unlinkSync(shimSocket);
  }
  const mounts = await unmountUnder(dir);
  if (mounts.length > 0) problems.push(`still mounted: ${mounts.join(', ')}`);
  const cgroups = [
    ...bundles.flatMap((bundle) => bundle.cgroupsPath ?? []),
    ...(privateNamespace ? [`/${privateNamespace}`] : []),
  ];
  const leftCgroups = cgroups.flatMap((path) => removeCgroup(path));
  if (leftCgroups.length > 0) problems.push(`cgroups in use: ${leftCgroups.join(', ')}`);
  if (privateNamespace && survivors.length === 0) {
    for (const stateDir of NAMESPACE_STATE_DIRS)
      rmSync(join(stateDir, privateNamespace), { recursive: true, force: true });
  }
  if (mounts.length === 0) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  return problems;
}

/** Each bundle's shim socket (its `address` file) and cgroup (its `config.json`), read while they exist. */
function listBundles(taskDir: string): Bundle[] {
  const bundles: Bundle[] = [];
  for (const namespace of readDir(taskDir)) {
    for (const id of readDir(join(taskDir, namespace))) {
      const bundle = join(taskDir, namespace, id);
      const address = readText(join(bundle, 'address'))
        ?.trim()
        .replace(/^unix:\/\//, '');
      const cgroupsPath = cgroupsPathOf(readText(join(bundle, 'config.json')));
      bundles.push({
        ...(address ? { shimSocket: address } : {}),
        ...(cgroupsPath ? { cgroupsPath } : {}),
      });
    }
  }
  return bundles;
}

function cgroupsPathOf(configJson: string | undefined): string | undefined {
  if (configJson === undefined) return undefined;
  try {
    const spec = JSON.parse(configJson) as { linux?: { cgroupsPath?: unknown } };
    const path = spec.linux?.cgroupsPath;
    return typeof path === 'string' && path.startsWith('/') ? path : undefined;
  } catch {
    return undefined;
  }
}

function readDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}
