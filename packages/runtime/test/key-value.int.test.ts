import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApp } from '../src/app/load-app.js';
import { startRedis, type RunningRedis } from './redis-server.js';
import { get, scratchDir, serveManifest, wasm } from './serve-manifest.js';

const kvApp = (stores: string) => `
[[trigger.http]]
route = "/..."
component = "kv"
[component.kv]
source = "${wasm('tiny-kv')}"
key_value_stores = ${stores}
`;

let redis: RunningRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

async function counts(url: string, n: number): Promise<string[]> {
  const bodies: string[] = [];
  for (let i = 0; i < n; i++) bodies.push((await get(url)).text);
  return bodies;
}

describe('key-value stores', () => {
  it('keeps the default store in a SQLite file in the state directory, across restarts', async () => {
    const dir = scratchDir();
    const first = await serveManifest(kvApp('["default"]'), { dir });
    expect(await counts(first.url, 3)).toEqual(['count=1\n', 'count=2\n', 'count=3\n']);
    await first.close();
    const second = await serveManifest(kvApp('["default"]'), { dir });
    expect(await counts(second.url, 1)).toEqual(['count=4\n']);
  });

  it('is one store for all workers, which open the SQLite file concurrently', async () => {
    const app = await serveManifest(kvApp('["default"]'), { serve: { workers: 3 } });
    const results = await Promise.all(Array.from({ length: 30 }, () => get(app.url)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    // The guest reads, then writes (not atomic), so racing requests may count the same; never more.
    const n = Number(/count=(\d+)/.exec((await get(app.url)).text)?.[1]);
    expect(n).toBeGreaterThan(1);
    expect(n).toBeLessThanOrEqual(31);
    expect((await get(app.url)).text).toBe(`count=${String(n + 1)}\n`);
  });

  it('serves an in-memory store from the runtime config, shared by workers, gone on restart', async () => {
    const dir = scratchDir();
    const runtimeConfig = '[key_value_store.default]\ntype = "memory"\n';
    const first = await serveManifest(kvApp('["default"]'), { dir, runtimeConfig });
    expect(await counts(first.url, 4)).toEqual(['count=1\n', 'count=2\n', 'count=3\n', 'count=4\n']);
    await first.close();
    const second = await serveManifest(kvApp('["default"]'), { dir, runtimeConfig });
    expect(await counts(second.url, 1)).toEqual(['count=1\n']);
  });

  it('serves a store from a real Redis server, and reports Redis being down as the guest error other(...)', async () => {
    const runtimeConfig = `[key_value_store.default]\ntype = "redis"\nurl = "${redis.url}"\n`;
    const app = await serveManifest(kvApp('["default"]'), { runtimeConfig });
    expect(await counts(app.url, 2)).toEqual(['count=1\n', 'count=2\n']);
    const down = await startRedis();
    const downConfig = `[key_value_store.default]\ntype = "redis"\nurl = "${down.url}"\n`;
    const broken = await serveManifest(kvApp('["default"]'), { runtimeConfig: downConfig });
    expect(await counts(broken.url, 1)).toEqual(['count=1\n']);
    await down.stop();
    const failed = await get(broken.url);
    expect(failed).toEqual({ status: 500, text: 'kv error: other\n' });
    // The app itself is fine: the other store still works.
    expect(await counts(app.url, 1)).toEqual(['count=3\n']);
  });

  it('denies a store the component did not declare, as Spin does', async () => {
    const app = await serveManifest(kvApp('[]'));
    expect(await get(app.url)).toEqual({ status: 500, text: 'kv error: access-denied\n' });
  });

  it('refuses to start when a declared store is not defined, naming file, line and field', async () => {
    const dir = scratchDir();
    const file = `${dir}/spin.toml`;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(
      file,
      `spin_manifest_version = 2\n[application]\nname = "x"\n${kvApp('["default", "cache"]')}`,
    );
    await expect(loadApp({ from: file, stateDir: `${dir}/state`, env: {} })).rejects.toThrow(
      /spin\.toml:\d+: component\.kv\.key_value_stores\[1\]: unknown key-value store "cache": define it in the runtime config; known: default/,
    );
  });
});
