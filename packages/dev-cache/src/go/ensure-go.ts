/**
 * A Go for building the pinned tools: the machine's own when it is new enough, else the pinned toolchain,
 * installed from the Go module proxy into the cache on first use. Callers ask only when they have
 * something to build, so with every tool already cached, Go is never looked for.
 */
import { join } from 'node:path';
import { cacheRoot } from '../cache-root.js';
import { DevCacheError } from '../errors.js';
import { findMachineGo } from './find-machine-go.js';
import { GoPins, goPlatform } from './go-pins.js';
import { installGoToolchain, proxyFromGoproxy } from './install-go-toolchain.js';

export interface EnsuredGo {
  readonly go: string;
  readonly version: string;
  /** `machine`: the machine's Go; `cache`: the pinned toolchain in the cache. */
  readonly source: 'machine' | 'cache';
}

export interface EnsureGoOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: (line: string) => void;
}

let ensured: Promise<EnsuredGo> | undefined;

/** Memoized per process: every tool build of a run shares one answer (and at most one download). */
export function ensureGo(options: EnsureGoOptions = {}): Promise<EnsuredGo> {
  ensured ??= findOrInstallGo(options).catch((error: unknown) => {
    ensured = undefined;
    throw error;
  });
  return ensured;
}

/** The pinned toolchain's directory in the cache. */
export const cachedGoDir = (env: NodeJS.ProcessEnv = process.env): string =>
  join(cacheRoot(env), 'go', `${GoPins.toolchain}.${goPlatform()}`);

async function findOrInstallGo({ env = process.env, log }: EnsureGoOptions): Promise<EnsuredGo> {
  const machine = findMachineGo(env);
  if (machine.found) return { ...machine.found, source: 'machine' };
  const platform = goPlatform();
  const sum = GoPins.sums[platform];
  const older = machine.rejected.length > 0 ? `found ${machine.rejected.join(', ')}` : 'no Go on PATH';
  if (!sum) {
    throw new DevCacheError(
      'GoUnavailable',
      `Go ${GoPins.minimum} or newer is needed to build the pinned tools (${older}), and no pinned toolchain ` +
        `exists for ${platform}: install Go ${GoPins.minimum}+ on PATH.`,
    );
  }
  const proxy = proxyFromGoproxy(env['GOPROXY']);
  if (!proxy) {
    throw new DevCacheError(
      'GoUnavailable',
      `Go ${GoPins.minimum} or newer is needed (${older}) and GOPROXY=${env['GOPROXY'] ?? ''} names no proxy ` +
        `to install ${GoPins.toolchain} from: install Go ${GoPins.minimum}+ on PATH or set GOPROXY.`,
    );
  }
  log?.(
    `Go ${GoPins.minimum}+ is needed to build the pinned tools (${older}); using ${GoPins.toolchain} from the cache`,
  );
  const go = await installGoToolchain({
    version: GoPins.toolchain,
    platform,
    sum,
    dir: cachedGoDir(env),
    proxy,
    ...(log ? { log } : {}),
  });
  return { go, version: GoPins.toolchain, source: 'cache' };
}
