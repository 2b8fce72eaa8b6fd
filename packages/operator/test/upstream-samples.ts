/** Upstream's sample manifests (shared fixtures, never edited), read for the integration tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const SAMPLES_DIR = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'shared',
  'fixtures',
  'upstream',
  'spin-operator-samples',
);

/** A single-document sample, parsed. */
export function sample(file: string): Record<string, unknown> {
  return parse(readFileSync(join(SAMPLES_DIR, file), 'utf8')) as Record<string, unknown>;
}
