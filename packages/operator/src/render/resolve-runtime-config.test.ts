import { describe, expect, it } from 'vitest';
import { resolveRuntimeConfig, type ObjectDataReader } from './resolve-runtime-config.js';

/** Objects in a namespace, read like the operator reads them; a missing one fails like the API server. */
function objects(store: Record<string, Record<string, string>>): ObjectDataReader & { reads: string[] } {
  const reads: string[] = [];
  const read = (kind: 'ConfigMap' | 'Secret', name: string) => {
    reads.push(`${kind}/${name}`);
    const data = store[`${kind}/${name}`];
    if (!data)
      return Promise.reject(new Error(`${kind === 'Secret' ? 'secrets' : 'configmaps'} "${name}" not found`));
    return Promise.resolve(data);
  };
  return Object.assign(read, { reads });
}

describe('resolveRuntimeConfig', () => {
  it('takes value first, then the referenced key, then an empty string', async () => {
    const read = objects({ 'Secret/s': { url: 'redis://secret' }, 'ConfigMap/c': { path: '/data' } });
    const resolved = await resolveRuntimeConfig(
      {
        keyValueStores: [
          {
            name: 'default',
            type: 'redis',
            options: [
              { name: 'url', value: '', valueFrom: { secretKeyRef: { name: 's', key: 'url' } } },
              { name: 'fixed', value: 'v', valueFrom: { secretKeyRef: { name: 's', key: 'url' } } },
              { name: 'missing-key', valueFrom: { secretKeyRef: { name: 's', key: 'nope' } } },
            ],
          },
        ],
        sqliteDatabases: [
          {
            name: 'db',
            type: 'spin',
            options: [{ name: 'path', valueFrom: { configMapKeyRef: { name: 'c', key: 'path' } } }],
          },
        ],
        llmCompute: { type: 'remote_http', options: [{ name: 'url', value: 'https://llm' }] },
      },
      read,
    );
    expect(resolved).toEqual({
      keyValueStores: [
        {
          name: 'default',
          type: 'redis',
          options: [
            { name: 'url', value: 'redis://secret' },
            { name: 'fixed', value: 'v' },
            { name: 'missing-key', value: '' },
          ],
        },
      ],
      sqliteDatabases: [{ name: 'db', type: 'spin', options: [{ name: 'path', value: '/data' }] }],
      llmCompute: { type: 'remote_http', options: [{ name: 'url', value: 'https://llm' }] },
    });
    // Each object is read once, however many options use it.
    expect(read.reads.sort()).toEqual(['ConfigMap/c', 'Secret/s']);
  });

  it('fails as a whole, with upstream’s message, when a referenced object is missing', async () => {
    await expect(
      resolveRuntimeConfig(
        {
          keyValueStores: [
            {
              name: 'kv',
              type: 'redis',
              options: [{ name: 'url', valueFrom: { secretKeyRef: { name: 'gone', key: 'k' } } }],
            },
          ],
        },
        objects({}),
      ),
    ).rejects.toThrow('failed to construct RuntimeConfig: secrets "gone" not found');
  });

  it('generates nothing with loadFromSecret, and an empty config without runtimeConfig', async () => {
    expect(
      await resolveRuntimeConfig(
        { loadFromSecret: 'mine', keyValueStores: [{ name: 'x', type: 'y' }] },
        objects({}),
      ),
    ).toBeUndefined();
    expect(await resolveRuntimeConfig(undefined, objects({}))).toEqual({
      keyValueStores: [],
      sqliteDatabases: [],
    });
  });
});
