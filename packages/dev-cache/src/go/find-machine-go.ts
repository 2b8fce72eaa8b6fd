/** The machine's own Go, when it is new enough; it is only ever run, never changed. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { GoPins } from './go-pins.js';
import { isAtLeast, parseGoVersion } from './go-version.js';

export interface MachineGoSearch {
  /** The first Go at least `GoPins.minimum`, if any. */
  readonly found?: { readonly go: string; readonly version: string };
  /** Every Go looked at that was too old or would not run, for the error message. */
  readonly rejected: readonly string[];
}

/**
 * Looks at each `go` on PATH, in order. Only PATH: a Go installed elsewhere (say /usr/local/go without its
 * bin on PATH) is left alone, so what runs is what the user's shell would run.
 */
export function findMachineGo(env: NodeJS.ProcessEnv = process.env): MachineGoSearch {
  const candidates = (env['PATH'] ?? '')
    .split(':')
    .filter(Boolean)
    .map((dir) => `${dir}/go`);
  const minimum = parseGoVersion(GoPins.minimum) ?? { major: 1, minor: 0, patch: 0 };
  const rejected: string[] = [];
  for (const go of new Set(candidates)) {
    if (!existsSync(go)) continue;
    const version = goVersionOf(go, env);
    const parsed = version === undefined ? undefined : parseGoVersion(version);
    if (version !== undefined && parsed && isAtLeast(parsed, minimum))
      return { found: { go, version }, rejected };
    rejected.push(`${go} (${version ?? 'did not run'})`);
  }
  return { rejected };
}

function goVersionOf(go: string, env: NodeJS.ProcessEnv): string | undefined {
  try {
    return execFileSync(go, ['env', 'GOVERSION'], {
      encoding: 'utf8',
      env: { ...env, GOTOOLCHAIN: 'local' },
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 30_000,
    }).trim();
  } catch {
    return undefined;
  }
}
