import { describe, expect, it } from 'vitest';
import { renderRuntimeConfig, runtimeConfigSecretName } from './runtime-config.js';

const none = { keyValueStores: [], sqliteDatabases: [] };

describe('runtime config rendering (byte-compatible with upstream)', () => {
  it('renders the minimal config, whose Secret is simple-spinapp-760b133c', () => {
    const toml = renderRuntimeConfig(none);
    expect(toml).toBe("[[config_provider]]\ntype = 'env'\nprefix = 'SPIN_VARIABLE_'\n");
    expect(runtimeConfigSecretName('simple-spinapp', toml)).toBe('simple-spinapp-760b133c');
  });

  it('matches upstream’s golden key-value store rendering', () => {
    const toml = renderRuntimeConfig({
      ...none,
      keyValueStores: [
        { name: 'default', type: 'redis', options: [{ name: 'url', value: 'redis://localhost:9000' }] },
      ],
    });
    expect(toml).toBe(
      "[[config_provider]]\ntype = 'env'\nprefix = 'SPIN_VARIABLE_'\n\n[key_value_store]\n[key_value_store.default]\ntype = 'redis'\nurl = 'redis://localhost:9000'\n",
    );
  });

  it('renders every section in upstream’s order, keys sorted, sibling tables apart', () => {
    const toml = renderRuntimeConfig({
      keyValueStores: [
        { name: 'zeta', type: 'spin', options: [] },
        { name: 'default', type: 'redis', options: [{ name: 'url', value: 'redis://r' }] },
      ],
      sqliteDatabases: [
        {
          name: 'default',
          type: 'libsql',
          options: [
            { name: 'url', value: 'https://db.example.com' },
            { name: 'token', value: 'tok' },
          ],
        },
      ],
      llmCompute: {
        type: 'remote_http',
        options: [
          { name: 'url', value: 'https://llm.example.com' },
          { name: 'auth_token', value: 'secret' },
        ],
      },
    });
    expect(toml).toBe(
      [
        '[[config_provider]]',
        "type = 'env'",
        "prefix = 'SPIN_VARIABLE_'",
        '',
        '[key_value_store]',
        '[key_value_store.default]',
        "type = 'redis'",
        "url = 'redis://r'",
        '',
        '[key_value_store.zeta]',
        "type = 'spin'",
        '',
        '[sqlite_database]',
        '[sqlite_database.default]',
        "token = 'tok'",
        "type = 'libsql'",
        "url = 'https://db.example.com'",
        '',
        '[llm_compute]',
        "auth_token = 'secret'",
        "type = 'remote_http'",
        "url = 'https://llm.example.com'",
        '',
      ].join('\n'),
    );
  });

  it('lets an option named type replace the type', () => {
    const toml = renderRuntimeConfig({
      ...none,
      keyValueStores: [{ name: 'kv', type: 'redis', options: [{ name: 'type', value: 'spin' }] }],
    });
    expect(toml).toContain("[key_value_store.kv]\ntype = 'spin'\n");
  });

  it('quotes strings and keys the way go-toml does', () => {
    const toml = renderRuntimeConfig({
      ...none,
      keyValueStores: [
        {
          name: 'my.store',
          type: 'redis',
          options: [
            { name: 'url', value: "it's" },
            { name: 'multi', value: 'a\nb' },
            { name: 'unicode', value: 'café' },
            { name: 'tab', value: 'a\tb' },
            { name: 'weird key', value: 'v' },
          ],
        },
      ],
    });
    expect(toml).toContain(`[key_value_store.'my.store']`);
    expect(toml).toContain(`url = "it's"`);
    expect(toml).toContain('multi = "a\\nb"');
    expect(toml).toContain('unicode = "café"');
    expect(toml).toContain("tab = 'a\tb'");
    expect(toml).toContain("'weird key' = 'v'");
  });

  it('refuses duplicate names with upstream’s messages', () => {
    const store = { name: 'x', type: 'spin', options: [] };
    expect(() => renderRuntimeConfig({ ...none, keyValueStores: [store, store] })).toThrow(
      'duplicate definition for key value store with name: x',
    );
    expect(() => renderRuntimeConfig({ ...none, sqliteDatabases: [store, store] })).toThrow(
      'duplicate definition for sqlite database with name: x',
    );
  });

  it('names the Secret with the unpadded lowercase adler32', () => {
    // adler32("[[config_provider]]\n…") of a config whose checksum has a leading zero nibble stays short.
    const name = runtimeConfigSecretName('app', renderRuntimeConfig(none));
    expect(name).toMatch(/^app-[0-9a-f]{1,8}$/);
    expect(runtimeConfigSecretName('app', 'a')).toBe('app-620062');
  });
});

describe('the runtime-config Secret', () => {
  it('is named after the bytes, labelled, and owned by the app without being its controller', async () => {
    const { renderRuntimeConfigSecret } = await import('./runtime-config-secret.js');
    const toml = renderRuntimeConfig(none);
    const secret = renderRuntimeConfigSecret(
      {
        apiVersion: 'core.spinkube.dev/v1alpha1',
        kind: 'SpinApp',
        metadata: { name: 'simple-spinapp', namespace: 'ns', uid: 'u' },
        spec: { executor: 'e', image: 'i' },
      },
      toml,
    );
    expect(secret.metadata).toEqual({
      name: 'simple-spinapp-760b133c',
      namespace: 'ns',
      labels: { 'core.spinkube.dev/app-name': 'simple-spinapp' },
      ownerReferences: [
        { apiVersion: 'core.spinkube.dev/v1alpha1', kind: 'SpinApp', name: 'simple-spinapp', uid: 'u' },
      ],
    });
    expect(Buffer.from(secret.data?.['runtime-config.toml'] ?? '', 'base64').toString()).toBe(toml);
    expect(secret.type).toBeUndefined();
  });
});
