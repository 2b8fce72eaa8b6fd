/**
 * What in a Shim's spec cannot work, by field path. The CRD's schema checks types and enums; these are the
 * rules it cannot express, each of which upstream accepts and then fails on every node.
 */
import type { Shim, ShimSpec } from '@spinkube/api';

/** A Shim with its spec (the CRD requires one; the type leaves it optional). */
export type SpecifiedShim = Shim & { readonly spec: ShimSpec };

export function hasSpec(shim: Shim): shim is SpecifiedShim {
  return shim.spec !== undefined;
}

export function specProblems(shim: SpecifiedShim): string[] {
  const name = shim.metadata?.name ?? '';
  const problems: string[] = [];
  if (name.length > 63)
    problems.push(
      `metadata.name: "${name}" is longer than 63 characters and so cannot be the node label key that tracks the install`,
    );
  if (shim.spec.runtimeClass.handler !== name)
    problems.push(
      `spec.runtimeClass.handler: "${shim.spec.runtimeClass.handler}" must equal metadata.name "${name}": nodes register the runtime under the Shim's name`,
    );
  const { fetchStrategy, rolloutStrategy } = shim.spec;
  if (!fetchStrategy.anonHttp && (fetchStrategy.platforms ?? []).length === 0)
    problems.push(
      'spec.fetchStrategy: neither platforms nor anonHttp is set, so there is nothing to download',
    );
  if (rolloutStrategy.type === 'rolling' && (rolloutStrategy.rolling?.maxUpdate ?? 1) < 1)
    problems.push(
      `spec.rolloutStrategy.rolling.maxUpdate: ${String(rolloutStrategy.rolling?.maxUpdate)} must be at least 1`,
    );
  return problems;
}
