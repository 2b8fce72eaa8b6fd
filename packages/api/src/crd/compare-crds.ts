/**
 * Compares one of our CRDs with an upstream CRD on everything that changes behaviour for users: names,
 * scope, versions, printer columns, subresources and every schema fact (see `structural-facts.ts`).
 * Subresources we add (e.g. `scale`) are reported as additions, not differences.
 */
import { diffSchemaFacts, schemaFacts, stableJson, type FactDifference } from './structural-facts.js';
import type { JsonSchema } from './json-schema.js';

/** The parts of a CRD document the comparison reads; upstream YAML parses into this shape. */
export interface CrdDocument {
  metadata: { name: string };
  spec: {
    group: string;
    names: Record<string, unknown>;
    scope: string;
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      additionalPrinterColumns?: unknown[];
      schema: { openAPIV3Schema: JsonSchema };
      subresources?: Record<string, unknown>;
    }[];
  };
}

export interface CrdComparison {
  /** Facts compared, including every schema path. */
  readonly factsCompared: number;
  readonly differences: readonly string[];
  readonly schemaDifferences: readonly FactDifference[];
  /** Things we have that upstream has not, which the contract allows. */
  readonly additions: readonly string[];
}

export function compareCrds(upstream: CrdDocument, ours: CrdDocument): CrdComparison {
  const differences: string[] = [];
  const additions: string[] = [];
  let factsCompared = 0;
  const same = (what: string, a: unknown, b: unknown) => {
    factsCompared++;
    if (stableJson(a) !== stableJson(b))
      differences.push(`${what}: upstream ${stableJson(a)}, ours ${stableJson(b)}`);
  };

  same('metadata.name', upstream.metadata.name, ours.metadata.name);
  same('spec.group', upstream.spec.group, ours.spec.group);
  same('spec.names', upstream.spec.names, ours.spec.names);
  same('spec.scope', upstream.spec.scope, ours.spec.scope);
  same(
    'spec.versions[].name',
    upstream.spec.versions.map((v) => v.name),
    ours.spec.versions.map((v) => v.name),
  );

  const schemaDifferences: FactDifference[] = [];
  for (const upstreamVersion of upstream.spec.versions) {
    const version = ours.spec.versions.find((v) => v.name === upstreamVersion.name);
    if (!version) continue;
    const at = `spec.versions[${upstreamVersion.name}]`;
    same(`${at}.served`, upstreamVersion.served, version.served);
    same(`${at}.storage`, upstreamVersion.storage, version.storage);
    same(
      `${at}.additionalPrinterColumns`,
      upstreamVersion.additionalPrinterColumns ?? [],
      version.additionalPrinterColumns ?? [],
    );

    const upstreamSub = upstreamVersion.subresources ?? {};
    const ourSub = version.subresources ?? {};
    for (const [name, value] of Object.entries(upstreamSub))
      same(`${at}.subresources.${name}`, value, ourSub[name]);
    for (const name of Object.keys(ourSub)) {
      if (!(name in upstreamSub)) additions.push(`${at}.subresources.${name}`);
    }

    const upstreamFacts = schemaFacts(upstreamVersion.schema.openAPIV3Schema);
    const ourFacts = schemaFacts(version.schema.openAPIV3Schema);
    factsCompared += upstreamFacts.size;
    schemaDifferences.push(...diffSchemaFacts(upstreamFacts, ourFacts));
  }
  return { factsCompared, differences, schemaDifferences, additions };
}

/** A readable report of a comparison, one line per difference. */
export function formatComparison(name: string, comparison: CrdComparison): string {
  const lines = [`${name}: ${comparison.factsCompared} facts compared`];
  for (const difference of comparison.differences) lines.push(`  differs: ${difference}`);
  for (const { path, upstream, ours } of comparison.schemaDifferences) {
    lines.push(`  schema ${path}: upstream ${stableJson(upstream)}, ours ${stableJson(ours)}`);
  }
  for (const addition of comparison.additions) lines.push(`  addition: ${addition}`);
  return lines.join('\n');
}
