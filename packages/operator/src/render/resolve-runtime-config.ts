/**
 * Resolves a SpinApp's `runtimeConfig` to plain values, as upstream does before rendering: an option's
 * `value` when non-empty, else the referenced ConfigMap or Secret key (a missing key gives `""`), else `""`.
 * The referenced objects are fetched in parallel, at most ten at a time, and the first failure fails the
 * whole config (`failed to construct RuntimeConfig: secrets "x" not found`), so nothing half-resolved is
 * ever rendered. `loadFromSecret` means nothing is generated.
 */
import type { RuntimeConfig, RuntimeConfigOption } from '@spinkube/api';
import type { ResolvedBackend, ResolvedRuntimeConfig } from './runtime-config.js';

/** Reads a ConfigMap's or Secret's data (Secret values decoded); throws Kubernetes' error when missing. */
export type ObjectDataReader = (
  kind: 'ConfigMap' | 'Secret',
  name: string,
) => Promise<Readonly<Record<string, string>>>;

const PARALLEL_FETCHES = 10;

export class RuntimeConfigResolveError extends Error {
  override readonly name = 'RuntimeConfigResolveError';
}

export async function resolveRuntimeConfig(
  config: RuntimeConfig | undefined,
  read: ObjectDataReader,
): Promise<ResolvedRuntimeConfig | undefined> {
  if (config?.loadFromSecret) return undefined;
  const sections = {
    keyValueStores: config?.keyValueStores ?? [],
    sqliteDatabases: config?.sqliteDatabases ?? [],
  };
  const options: RuntimeConfigOption[] = [
    ...sections.keyValueStores.flatMap((s) => s.options ?? []),
    ...sections.sqliteDatabases.flatMap((s) => s.options ?? []),
    ...(config?.llmCompute?.options ?? []),
  ];
  const data = await fetchReferenced(options, read).catch((error: unknown) => {
    throw new RuntimeConfigResolveError(
      `failed to construct RuntimeConfig: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  });
  const valueOf = (option: RuntimeConfigOption): string => {
    if (option.value) return option.value;
    const from = option.valueFrom;
    if (from?.configMapKeyRef)
      return data.get(`ConfigMap/${from.configMapKeyRef.name ?? ''}`)?.[from.configMapKeyRef.key] ?? '';
    if (from?.secretKeyRef)
      return data.get(`Secret/${from.secretKeyRef.name ?? ''}`)?.[from.secretKeyRef.key] ?? '';
    return '';
  };
  const backend = (section: { type: string; options?: RuntimeConfigOption[] }): ResolvedBackend => ({
    type: section.type,
    options: (section.options ?? []).map((option) => ({ name: option.name, value: valueOf(option) })),
  });
  return {
    keyValueStores: sections.keyValueStores.map((s) => ({ name: s.name, ...backend(s) })),
    sqliteDatabases: sections.sqliteDatabases.map((s) => ({ name: s.name, ...backend(s) })),
    ...(config?.llmCompute ? { llmCompute: backend(config.llmCompute) } : {}),
  };
}

/** The ConfigMaps and Secrets a runtime config reads values from, each once, in first-use order. */
export function referencedObjects(
  config: RuntimeConfig | undefined,
): { readonly kind: 'ConfigMap' | 'Secret'; readonly name: string }[] {
  if (config?.loadFromSecret) return [];
  const options = [
    ...(config?.keyValueStores ?? []).flatMap((s) => s.options ?? []),
    ...(config?.sqliteDatabases ?? []).flatMap((s) => s.options ?? []),
    ...(config?.llmCompute?.options ?? []),
  ];
  return [...referencedIn(options).values()];
}

function referencedIn(
  options: readonly RuntimeConfigOption[],
): Map<string, { kind: 'ConfigMap' | 'Secret'; name: string }> {
  const wanted = new Map<string, { kind: 'ConfigMap' | 'Secret'; name: string }>();
  for (const option of options) {
    if (option.value) continue;
    const configMap = option.valueFrom?.configMapKeyRef;
    const secret = option.valueFrom?.secretKeyRef;
    if (configMap)
      wanted.set(`ConfigMap/${configMap.name ?? ''}`, { kind: 'ConfigMap', name: configMap.name ?? '' });
    else if (secret) wanted.set(`Secret/${secret.name ?? ''}`, { kind: 'Secret', name: secret.name ?? '' });
  }
  return wanted;
}

/** Every referenced object once, `Kind/name` → data, in bounded parallel. */
async function fetchReferenced(
  options: readonly RuntimeConfigOption[],
  read: ObjectDataReader,
): Promise<Map<string, Readonly<Record<string, string>>>> {
  const results = new Map<string, Readonly<Record<string, string>>>();
  const queue = [...referencedIn(options)];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [key, { kind, name }] = next;
      results.set(key, await read(kind, name));
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_FETCHES, queue.length) }, worker));
  return results;
}
