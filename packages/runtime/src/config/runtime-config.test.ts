import { describe, expect, it } from 'vitest';
import { RuntimeError } from '../errors.js';
import { defaultRuntimeConfig, parseRuntimeConfig } from './runtime-config.js';

const file = '/etc/spin/runtime-config.toml';
const parse = (text: string) => parseRuntimeConfig(text, file, '/var/lib/spin');

describe('runtime config', () => {
  it('defaults to SQLite files in the state directory and SPIN_VARIABLE_* variables', () => {
    expect(defaultRuntimeConfig('/state')).toEqual({
      keyValueStores: new Map([['default', { type: 'spin', path: '/state/sqlite_key_value.db' }]]),
      sqliteDatabases: new Map([['default', { type: 'spin', path: '/state/sqlite_db.db' }]]),
      variablesProviders: [{ type: 'env', prefix: 'SPIN_VARIABLE_' }],
    });
  });

  it('reads the config the operator renders for a Redis key-value store', () => {
    const config = parse(
      "[[config_provider]]\ntype = 'env'\nprefix = 'SPIN_VARIABLE_'\n\n[key_value_store]\n[key_value_store.default]\ntype = 'redis'\nurl = 'redis://localhost:9000'\n",
    );
    expect(config.keyValueStores.get('default')).toEqual({ type: 'redis', url: 'redis://localhost:9000' });
    expect(config.variablesProviders).toEqual([{ type: 'env', prefix: 'SPIN_VARIABLE_' }]);
    expect(config.sqliteDatabases.get('default')).toEqual({
      type: 'spin',
      path: '/var/lib/spin/sqlite_db.db',
    });
  });

  it('resolves relative paths against the file, keeps other defaults, and supports in-memory stores', () => {
    const config = parse(
      '[key_value_store.cache]\ntype = "memory"\n[key_value_store.default]\ntype = "spin"\npath = "data/kv.db"\n[sqlite_database.reports]\ntype = "spin"\npath = "/abs/reports.db"\n',
    );
    expect(config.keyValueStores.get('cache')).toEqual({ type: 'memory' });
    expect(config.keyValueStores.get('default')).toEqual({ type: 'spin', path: '/etc/spin/data/kv.db' });
    expect(config.sqliteDatabases.get('reports')).toEqual({ type: 'spin', path: '/abs/reports.db' });
    expect(config.sqliteDatabases.get('default')?.type).toBe('spin');
  });

  it('reads env variable providers with a prefix and a dotenv file', () => {
    const config = parse('[[config_provider]]\ntype = "env"\nprefix = "APP_"\ndotenv_path = ".env"\n');
    expect(config.variablesProviders).toEqual([
      { type: 'env', prefix: 'APP_', dotenvPath: '/etc/spin/.env' },
    ]);
  });

  it.each([
    [
      'an unknown section',
      '[key_value_stores.default]\ntype = "spin"\n',
      /runtime-config\.toml:1: key_value_stores: unknown field "key_value_stores"/,
    ],
    [
      'an unknown store type',
      '[key_value_store.default]\ntype = "rediss"\n',
      /runtime-config\.toml:2: key_value_store\.default\.type: unknown type "rediss"; supported: spin, redis, memory/,
    ],
    [
      'a known type this runtime lacks',
      '[sqlite_database.default]\ntype = "libsql"\nurl = "https://x"\n',
      /:2: sqlite_database\.default\.type: type "libsql" is not supported by this runtime; supported: spin/,
    ],
    [
      'an unknown option',
      '[key_value_store.default]\ntype = "redis"\nurl = "redis://x"\ntoken = "t"\n',
      /:4: key_value_store\.default\.token: unknown field "token"; expected one of: type, url/,
    ],
    [
      'a bad redis url',
      '[key_value_store.default]\ntype = "redis"\nurl = "localhost:6379"\n',
      /:3: key_value_store\.default\.url: redis url "localhost:6379" must start with redis:\/\//,
    ],
    [
      'an unknown LLM option (spin-operator issue #181)',
      '[llm_compute]\ntype = "remote_http"\nurl = "https://x"\ntoken = "t"\n',
      /:4: llm_compute\.token: unknown field "token"; expected one of: type, url, auth_token/,
    ],
    ['broken TOML', '[key_value_store.default\n', /runtime-config\.toml:\d+: invalid TOML/],
  ])('refuses %s with file, line and field', (_what, text, expected) => {
    let caught: unknown;
    try {
      parse(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RuntimeError);
    expect((caught as RuntimeError).code).toBe('RuntimeConfigInvalid');
    expect((caught as RuntimeError).message).toMatch(expected);
  });
});
