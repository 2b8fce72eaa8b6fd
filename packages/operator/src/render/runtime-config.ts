/**
 * The runtime config upstream spin-operator renders for a SpinApp, as TOML bytes identical to
 * upstream's, and the name of the Secret that carries them: `<app>-<adler32 of the bytes, lowercase hex,
 * not zero-padded>`. The `env` config provider is always present, so every app without `loadFromSecret`
 * gets a Secret (the minimal one is `<app>-760b133c`).
 */
import adler32 from 'adler-32';
import { sortedKeyValues, tomlKey } from './go-toml.js';

/** A store, database or LLM backend with its options already resolved to strings. */
export interface ResolvedBackend {
  readonly type: string;
  readonly options: readonly { readonly name: string; readonly value: string }[];
}

export interface ResolvedRuntimeConfig {
  readonly keyValueStores: readonly (ResolvedBackend & { readonly name: string })[];
  readonly sqliteDatabases: readonly (ResolvedBackend & { readonly name: string })[];
  readonly llmCompute?: ResolvedBackend;
}

export class RuntimeConfigError extends Error {
  override readonly name = 'RuntimeConfigError';
}

/** `{ type, ...options }`, where an option named `type` replaces the type, as upstream's map does. */
function table(backend: ResolvedBackend): Record<string, string> {
  const entries: Record<string, string> = { type: backend.type };
  for (const option of backend.options) entries[option.name] = option.value;
  return entries;
}

function namedTables(
  section: string,
  backends: readonly (ResolvedBackend & { readonly name: string })[],
  what: string,
): string[] {
  const byName = new Map<string, Record<string, string>>();
  for (const backend of backends) {
    if (byName.has(backend.name)) {
      throw new RuntimeConfigError(`duplicate definition for ${what} with name: ${backend.name}`);
    }
    byName.set(backend.name, table(backend));
  }
  if (byName.size === 0) return [];
  const names = [...byName.keys()].sort();
  // The section header has no keys of its own, so its first sub-table follows without a blank line.
  const blocks = names.map((name) =>
    [`[${section}.${tomlKey(name)}]`, ...sortedKeyValues(byName.get(name) ?? {})].join('\n'),
  );
  return [`[${section}]\n${blocks.join('\n\n')}`];
}

export function renderRuntimeConfig(config: ResolvedRuntimeConfig): string {
  const sections = [
    "[[config_provider]]\ntype = 'env'\nprefix = 'SPIN_VARIABLE_'",
    ...namedTables('key_value_store', config.keyValueStores, 'key value store'),
    ...namedTables('sqlite_database', config.sqliteDatabases, 'sqlite database'),
    ...(config.llmCompute
      ? [['[llm_compute]', ...sortedKeyValues(table(config.llmCompute))].join('\n')]
      : []),
  ];
  return `${sections.join('\n\n')}\n`;
}

/** The Secret name upstream derives from the rendered bytes. */
export function runtimeConfigSecretName(appName: string, toml: string): string {
  const checksum = adler32.buf(Buffer.from(toml, 'utf8')) >>> 0;
  return `${appName}-${checksum.toString(16)}`;
}
