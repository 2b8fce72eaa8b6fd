/** Upstream's sample manifests, pinned in packages/dev-cache/upstream-fixtures.json and never edited. */
import { upstreamFixtures } from '@spinkube/dev-cache';
import { parse } from 'yaml';

const samples = await upstreamFixtures('spin-operator-samples');

/** A sample's text, e.g. `sampleText('simple.yaml')` or `sampleText('elsewhere/….yaml')`. */
export const sampleText = (file: string): string => samples.text(file);

/** A single-document sample, parsed. */
export function sample(file: string): Record<string, unknown> {
  return parse(sampleText(file)) as Record<string, unknown>;
}
