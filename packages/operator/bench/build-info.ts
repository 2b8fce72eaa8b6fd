/**
 * Which operator the benchmark measures: the commit, whether the sources it is built from have
 * uncommitted changes, and when its build output (and that of the packages it runs on) last changed — so a
 * rebuild in the middle of a run, which would mix two operators in one set of figures, is noticed.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const REPO = join(import.meta.dirname, '..', '..', '..');
const PACKAGES = ['operator', 'controller', 'api'];

export interface BuildInfo {
  readonly commit: string;
  /** Packages whose src/ differs from the commit. */
  readonly modified: readonly string[];
  /** Newest modification time of the packages' dist/ files, in ms. */
  readonly builtAt: number;
}

export function buildInfo(): BuildInfo {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO, encoding: 'utf8' }).trim();
  let commit = 'unknown';
  let modified: string[] = [];
  try {
    commit = git('rev-parse', '--short', 'HEAD');
    modified = PACKAGES.filter((p) => git('status', '--porcelain', '--', `packages/${p}/src`) !== '');
  } catch {
    // Not a git checkout.
  }
  return { commit, modified, builtAt: distBuiltAt() };
}

export function distBuiltAt(): number {
  let newest = 0;
  for (const name of PACKAGES) {
    const dist = join(REPO, 'packages', name, 'dist');
    for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.js')) continue;
      newest = Math.max(newest, statSync(join(dist, file)).mtimeMs);
    }
  }
  return newest;
}
