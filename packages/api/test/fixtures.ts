import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from '../src/generate/repository-root.js';

/** A path inside `../shared/fixtures/upstream/` (read-only upstream data, never copied into the repo). */
export function upstreamFixture(...parts: string[]): string {
  const path = join(repositoryRoot(), '..', 'shared', 'fixtures', 'upstream', ...parts);
  if (!existsSync(path)) {
    throw new Error(`missing upstream fixture ${path}: the shared/ directory must sit beside the repository`);
  }
  return path;
}
