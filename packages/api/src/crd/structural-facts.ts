/**
 * Reduces a CRD to the facts that decide how the API server validates, defaults and prints objects, so
 * two CRDs can be compared without caring about descriptions, key order or YAML layout.
 */
import type { JsonSchema } from './json-schema.js';

/** Schema keywords compared per path. Descriptions are documentation, not behaviour, so they are left out. */
const FACT_KEYWORDS = [
  'type',
  'format',
  'enum',
  'default',
  'pattern',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'nullable',
] as const;

/** One line per schema path, e.g. `.spec.replicas` → `{type: integer, format: int32, required: false}`. */
export type SchemaFacts = Map<string, Record<string, unknown>>;

export function schemaFacts(schema: JsonSchema): SchemaFacts {
  const facts: SchemaFacts = new Map();
  visit(schema, '', false, facts);
  return facts;
}

function visit(node: JsonSchema, path: string, required: boolean, facts: SchemaFacts): void {
  const entry: Record<string, unknown> = { required };
  for (const keyword of FACT_KEYWORDS) {
    if (node[keyword] !== undefined) entry[keyword] = node[keyword];
  }
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-kubernetes-')) entry[key] = value;
  }
  if (node.anyOf) entry['anyOf'] = node.anyOf.map((alternative) => alternative.type ?? alternative);
  if (node.additionalProperties === false || node.additionalProperties === true) {
    entry['additionalProperties'] = node.additionalProperties;
  }
  facts.set(path === '' ? '.' : path, entry);

  const requiredNames = new Set(node.required ?? []);
  for (const name of requiredNames) {
    if (!node.properties || !(name in node.properties)) {
      facts.set(`${path}.${name}`, { required: true, undeclared: true });
    }
  }
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    visit(child, `${path}.${name}`, requiredNames.has(name), facts);
  }
  if (node.items) visit(node.items, `${path}[]`, false, facts);
  if (typeof node.additionalProperties === 'object')
    visit(node.additionalProperties, `${path}{}`, false, facts);
}

export interface FactDifference {
  readonly path: string;
  readonly upstream: Record<string, unknown> | undefined;
  readonly ours: Record<string, unknown> | undefined;
}

/** Every path whose facts differ between the two schemas, in path order. */
export function diffSchemaFacts(upstream: SchemaFacts, ours: SchemaFacts): FactDifference[] {
  const paths = [...new Set([...upstream.keys(), ...ours.keys()])].sort();
  const differences: FactDifference[] = [];
  for (const path of paths) {
    const a = upstream.get(path);
    const b = ours.get(path);
    if (stableJson(a) !== stableJson(b)) differences.push({ path, upstream: a, ours: b });
  }
  return differences;
}

/** JSON with object keys sorted, so equal facts compare equal whatever their key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)),
        )
      : v,
  );
}
