/**
 * Runtime config (`--runtime-config-file`, or `/runtime-config.toml` in a pod): which backend serves each
 * key-value store and SQLite database, and where variables come from. The shape is Spin's; the operator
 * renders it for every SpinApp. Unknown sections, types and options are refused with the file, line and
 * field, because a typo here otherwise surfaces only as a failing request (spin-operator issue #181).
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { FieldReader, join as joinPath } from '../manifest/field-reader.js';
import { parseTomlDocument, type TomlTable } from '../manifest/toml-document.js';

export type KeyValueStoreConfig =
  | { readonly type: 'spin'; readonly path: string }
  | { readonly type: 'redis'; readonly url: string }
  | { readonly type: 'memory' };

export type SqliteDatabaseConfig = { readonly type: 'spin'; readonly path: string };

export interface EnvVariablesProvider {
  readonly type: 'env';
  readonly prefix: string;
  readonly dotenvPath?: string;
}

export interface LlmComputeConfig {
  readonly type: 'remote_http';
  readonly url: string;
  readonly authToken: string;
}

export interface RuntimeConfig {
  readonly file?: string;
  readonly keyValueStores: ReadonlyMap<string, KeyValueStoreConfig>;
  readonly sqliteDatabases: ReadonlyMap<string, SqliteDatabaseConfig>;
  readonly variablesProviders: readonly EnvVariablesProvider[];
  readonly llmCompute?: LlmComputeConfig;
}

export const DEFAULT_VARIABLE_PREFIX = 'SPIN_VARIABLE_';
const SECTIONS = [
  'key_value_store',
  'sqlite_database',
  'config_provider',
  'variables_provider',
  'llm_compute',
];
const KNOWN_BUT_UNSUPPORTED = {
  key_value_store: ['azure_cosmos', 'aws_dynamo'],
  sqlite_database: ['libsql'],
  config_provider: ['vault', 'azure_key_vault'],
} as const;

/**
 * What applies without a runtime config, as in `spin up`: the `default` key-value store and SQLite
 * database are files in the state directory, and variables come from `SPIN_VARIABLE_*`.
 */
export function defaultRuntimeConfig(stateDir: string): RuntimeConfig {
  return {
    keyValueStores: new Map([['default', { type: 'spin', path: join(stateDir, 'sqlite_key_value.db') }]]),
    sqliteDatabases: new Map([['default', { type: 'spin', path: join(stateDir, 'sqlite_db.db') }]]),
    variablesProviders: [{ type: 'env', prefix: DEFAULT_VARIABLE_PREFIX }],
  };
}

export async function loadRuntimeConfig(file: string, stateDir: string): Promise<RuntimeConfig> {
  return parseRuntimeConfig(await readFile(file, 'utf8'), file, stateDir);
}

/**
 * Parses runtime-config TOML. Stores it names replace the defaults of the same name; the defaults for
 * names it leaves out stay. Relative paths are relative to the file's directory.
 */
export function parseRuntimeConfig(text: string, file: string, stateDir: string): RuntimeConfig {
  const document = parseTomlDocument(text, file, 'RuntimeConfigInvalid');
  const read = new FieldReader(document, 'RuntimeConfigInvalid');
  const root = document.value;
  read.onlyKeys(root, '', SECTIONS);
  const base = dirname(file);
  const resolvePath = (path: string) => (isAbsolute(path) ? path : join(base, path));
  const defaults = defaultRuntimeConfig(stateDir);

  const keyValueStores = new Map(defaults.keyValueStores);
  for (const [name, value] of Object.entries(
    read.optionalTable(root['key_value_store'], 'key_value_store') ?? {},
  )) {
    const path = joinPath('key_value_store', name);
    const table = read.table(value, path);
    const type = readType(
      read,
      table,
      path,
      ['spin', 'redis', 'memory'],
      KNOWN_BUT_UNSUPPORTED.key_value_store,
    );
    if (type === 'spin') {
      read.onlyKeys(table, path, ['type', 'path']);
      const file = read.optionalString(table['path'], joinPath(path, 'path'));
      keyValueStores.set(name, { type, path: file ? resolvePath(file) : join(stateDir, `${name}.kv.db`) });
    } else if (type === 'redis') {
      read.onlyKeys(table, path, ['type', 'url']);
      const url = read.string(table['url'], joinPath(path, 'url'));
      if (!/^rediss?:\/\//.test(url))
        read.fail(joinPath(path, 'url'), `redis url "${url}" must start with redis:// or rediss://`);
      keyValueStores.set(name, { type, url });
    } else {
      read.onlyKeys(table, path, ['type']);
      keyValueStores.set(name, { type: 'memory' });
    }
  }

  const sqliteDatabases = new Map(defaults.sqliteDatabases);
  for (const [name, value] of Object.entries(
    read.optionalTable(root['sqlite_database'], 'sqlite_database') ?? {},
  )) {
    const path = joinPath('sqlite_database', name);
    const table = read.table(value, path);
    readType(read, table, path, ['spin'], KNOWN_BUT_UNSUPPORTED.sqlite_database);
    read.onlyKeys(table, path, ['type', 'path']);
    const file = read.optionalString(table['path'], joinPath(path, 'path'));
    sqliteDatabases.set(name, {
      type: 'spin',
      path: file ? resolvePath(file) : join(stateDir, `${name}.sqlite.db`),
    });
  }

  const providerTables = [
    ...read
      .array(root['config_provider'], 'config_provider')
      .map((v, i) => ({ value: v, path: `config_provider[${String(i)}]` })),
    ...read
      .array(root['variables_provider'], 'variables_provider')
      .map((v, i) => ({ value: v, path: `variables_provider[${String(i)}]` })),
  ];
  const variablesProviders: EnvVariablesProvider[] =
    providerTables.length === 0 ? [...defaults.variablesProviders] : [];
  for (const { value, path } of providerTables) {
    const table = read.table(value, path);
    readType(read, table, path, ['env'], KNOWN_BUT_UNSUPPORTED.config_provider);
    read.onlyKeys(table, path, ['type', 'prefix', 'dotenv_path']);
    const dotenv = read.optionalString(table['dotenv_path'], joinPath(path, 'dotenv_path'));
    variablesProviders.push({
      type: 'env',
      prefix: read.optionalString(table['prefix'], joinPath(path, 'prefix')) ?? DEFAULT_VARIABLE_PREFIX,
      ...(dotenv === undefined ? {} : { dotenvPath: resolvePath(dotenv) }),
    });
  }

  const llm = read.optionalTable(root['llm_compute'], 'llm_compute');
  let llmCompute: LlmComputeConfig | undefined;
  if (llm) {
    readType(read, llm, 'llm_compute', ['remote_http'], []);
    read.onlyKeys(llm, 'llm_compute', ['type', 'url', 'auth_token']);
    llmCompute = {
      type: 'remote_http',
      url: read.string(llm['url'], 'llm_compute.url'),
      authToken: read.string(llm['auth_token'], 'llm_compute.auth_token'),
    };
  }
  return { file, keyValueStores, sqliteDatabases, variablesProviders, ...(llmCompute ? { llmCompute } : {}) };
}

function readType<T extends string>(
  read: FieldReader,
  table: TomlTable,
  path: string,
  supported: readonly T[],
  knownElsewhere: readonly string[],
): T {
  const type = read.string(table['type'], joinPath(path, 'type'));
  if ((supported as readonly string[]).includes(type)) return type as T;
  if (knownElsewhere.includes(type)) {
    read.fail(
      joinPath(path, 'type'),
      `type "${type}" is not supported by this runtime; supported: ${supported.join(', ')}`,
    );
  }
  return read.fail(joinPath(path, 'type'), `unknown type "${type}"; supported: ${supported.join(', ')}`);
}
