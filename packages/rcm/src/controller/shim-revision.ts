/**
 * What an install puts on a node, as one short hash: the archive's location and sha256 and the containerd
 * runtime options. A provisioned node whose recorded revision differs is installed again, which is how a
 * changed `fetchStrategy` or `containerdRuntimeOptions` reaches nodes upstream had already provisioned
 * (upstream #577).
 */
import { createHash } from 'node:crypto';
import type { ShimArtifact } from '../shim/node-platform.js';

/** Node annotation holding the revision installed for `shim` (the label key is the Shim's name too). */
export function nodeRevisionAnnotation(shim: string): string {
  return `shim-revision.runtime.spinkube.dev/${shim}`;
}

export function shimRevision(
  artifact: ShimArtifact,
  options: Readonly<Record<string, string>> | undefined,
): string {
  const sortedOptions = Object.entries(options ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const text = JSON.stringify([artifact.location, artifact.sha256 ?? '', sortedOptions]);
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
