/**
 * The commit an image is built from, for its `org.opencontainers.image.revision` label: `git rev-parse HEAD`
 * in `directory`, or nothing outside a repository (a source tarball) or without git.
 */
import { execFileSync } from 'node:child_process';

export function sourceRevision(directory: string): { revision?: string } {
  try {
    const head = execFileSync('git', ['-C', directory, 'rev-parse', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return head ? { revision: head } : {};
  } catch {
    return {};
  }
}
