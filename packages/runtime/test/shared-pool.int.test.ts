/**
 * Many apps on one worker pool, as the shim runs them: each answers for itself, leaves without disturbing
 * the others, cannot take the others down with a guest that traps or loops, and has its host calls
 * (outbound HTTP to itself, its key-value stores) answered by its own handlers.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadApp } from '../src/app/load-app.js';
import { serveApp } from '../src/app/serve-app.js';
import { WorkerPool } from '../src/engine/worker-pool.js';
import { loadManifest } from '../src/manifest/load-manifest.js';
import { get, scratchDir, serveManifest, wasm } from './serve-manifest.js';

const component = (id: string, route: string, source: string, extra = '') => `
[[trigger.http]]
route = "${route}"
component = "${id}"
[component.${id}]
source = "${wasm(source)}"
${extra}
`;

const variableApp = (message: string) =>
  component('say', '/...', 'tiny-variable', `[component.say.variables]\nmessage = "${message}"`);

const kvApp = component('kv', '/...', 'tiny-kv', 'key_value_stores = ["default"]');

/** examples/js-app asking for its own greeting through http://self. */
const selfCallingApp = (greeting: string) => `
[variables]
greeting = { default = "${greeting}" }
[[trigger.http]]
route = "/..."
component = "js-app"
[component.js-app]
source = "${wasm('js-app')}"
allowed_outbound_hosts = ["http://self"]
[component.js-app.variables]
greeting = "{{ greeting }}"
`;

let pool: WorkerPool;
beforeEach(() => {
  pool = new WorkerPool({ size: 2, maxSize: 6, requestTimeoutMs: 1000 });
});
afterEach(async () => {
  await pool.close();
});

/** Files this process holds open under `dir` (worker threads share the process's descriptors). */
function openFilesUnder(dir: string): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(dir) ? [target] : [];
    } catch {
      return [];
    }
  });
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  if (!check()) throw new Error(`timed out waiting until ${what}`);
}

describe('apps sharing one worker pool', () => {
  it('answers two apps on one pool independently, without more workers than the pool has', async () => {
    const a = await serveManifest(variableApp('from a'), { serve: { pool } });
    const b = await serveManifest(variableApp('from b'), { serve: { pool } });
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => get(`${(i % 2 === 0 ? a : b).url}/`)),
    );
    expect(answers).toEqual(
      Array.from({ length: 30 }, (_, i) => ({ status: 200, text: i % 2 === 0 ? 'from a' : 'from b' })),
    );
    expect(pool.appCount).toBe(2);
    expect(pool.workerCount).toBe(2);
  });

  it('keeps serving the other app when one closes, and the workers let go of the closed one’s stores', async () => {
    const a = await serveManifest(kvApp, { serve: { pool } });
    const b = await serveManifest(kvApp, { serve: { pool } });
    // Concurrent requests, so that both workers open each app's SQLite store.
    await Promise.all(Array.from({ length: 8 }, (_, i) => get((i % 2 === 0 ? a : b).url)));
    const aStore = join(a.dir, 'state');
    const bStore = join(b.dir, 'state');
    expect(openFilesUnder(aStore).length).toBeGreaterThan(0);

    await a.close();
    expect(pool.appCount).toBe(1);
    await expect(fetch(a.url)).rejects.toThrow();
    expect((await get(b.url)).text).toMatch(/^count=\d+\n$/);
    await eventually(() => openFilesUnder(aStore).length === 0, `no worker holds ${aStore} open`);
    expect(openFilesUnder(bStore).length).toBeGreaterThan(0);
    expect(pool.workerCount).toBe(2);
  });

  it('fails only the request of a looping guest of one app; the other app keeps answering', async () => {
    const a = await serveManifest(component('loop', '/...', 'tiny-loop'), { serve: { pool } });
    const b = await serveManifest(component('hello', '/...', 'tiny-hello'), { serve: { pool } });
    const looping = get(a.url);
    for (let i = 0; i < 5; i++) expect((await get(b.url)).status).toBe(200);
    expect((await looping).status).toBe(500);
    expect(a.logs.join('\n')).toMatch(/\[loop\] .*request timeout \(1000 ms\)/);
    expect(b.logs).toEqual([]);
    // The stopped worker was replaced, and loads app b again when a request needs it.
    const after = await Promise.all(Array.from({ length: 10 }, () => get(b.url)));
    expect(after.every((r) => r.status === 200)).toBe(true);
    expect(pool.workerCount).toBe(2);
  });

  it('fails only the requests of a trapping guest of one app while the other app’s run beside them', async () => {
    const a = await serveManifest(component('trap', '/...', 'tiny-trap'), { serve: { pool } });
    const b = await serveManifest(component('hello', '/...', 'tiny-hello'), { serve: { pool } });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => get((i % 2 === 0 ? a : b).url)));
    expect(results.map((r) => r.status)).toEqual(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 500 : 200)),
    );
    expect(b.logs).toEqual([]);
  });

  it('answers each app’s key-value calls from its own shared store', async () => {
    const runtimeConfig = '[key_value_store.default]\ntype = "memory"\n';
    const a = await serveManifest(kvApp, { runtimeConfig, serve: { pool } });
    const b = await serveManifest(kvApp, { runtimeConfig, serve: { pool } });
    const texts = [];
    for (const app of [a, a, b, a, b]) texts.push((await get(app.url)).text);
    expect(texts).toEqual(['count=1\n', 'count=2\n', 'count=1\n', 'count=3\n', 'count=2\n']);
  });

  it('sends each app’s requests to http://self to that app', async () => {
    const a = await serveManifest(selfCallingApp('I am a'), { serve: { pool } });
    const b = await serveManifest(selfCallingApp('I am b'), { serve: { pool } });
    const fetchSelf = (url: string) =>
      get(`${url}/fetch?url=${encodeURIComponent('http://self/var/greeting')}`);
    const [fromA, fromB] = await Promise.all([fetchSelf(a.url), fetchSelf(b.url)]);
    expect(fromA).toEqual({ status: 200, text: 'upstream status=200\nI am a' });
    expect(fromB).toEqual({ status: 200, text: 'upstream status=200\nI am b' });
  });

  it('answers a closed app’s requests with an error instead of running them', async () => {
    const a = await serveManifest(component('hello', '/...', 'tiny-hello'), { serve: { pool } });
    await a.pooled.close();
    expect(await a.pooled.run('hello', request(), discard())).toEqual({
      responded: false,
      error: 'the app is closed',
    });
  });
});

describe('serving on a server that is already listening', () => {
  it('takes over its socket, reports its address as the URL, and closes it on close()', async () => {
    const listening = createNetServer();
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    const { port } = listening.address() as AddressInfo;
    const dir = scratchDir();
    const file = join(dir, 'spin.toml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, `spin_manifest_version = 2\n[application]\nname = "on-socket"\n${variableApp('hi')}`);
    const served = await serveApp(
      loadApp({ from: file, stateDir: join(dir, 'state'), env: {}, runtimeConfigFile: null }),
      { server: listening, pool, stdout: () => undefined, stderr: () => undefined },
    );
    expect(served.url).toBe(`http://127.0.0.1:${String(port)}`);
    expect(await get(`${served.url}/`)).toEqual({ status: 200, text: 'hi' });
    const closed = new Promise((resolve) => listening.once('close', resolve));
    await served.close();
    await closed;
    await expect(fetch(`${served.url}/`)).rejects.toThrow();
  });

  it('refuses a server that is not listening yet, saying so', async () => {
    const dir = scratchDir();
    const file = join(dir, 'spin.toml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, `spin_manifest_version = 2\n[application]\nname = "x"\n${variableApp('hi')}`);
    await expect(
      serveApp(loadApp({ from: file, stateDir: join(dir, 'state'), env: {} }), {
        server: createNetServer(),
        pool,
      }),
    ).rejects.toThrow(/not listening/);
    expect(pool.appCount).toBe(0);
  });
});

describe('loading an app for the shim', () => {
  it('takes an already-resolved manifest, a shared cache directory and no runtime config file', async () => {
    const dir = scratchDir();
    const file = join(dir, 'spin.toml');
    const { writeFileSync, existsSync } = await import('node:fs');
    writeFileSync(file, `spin_manifest_version = 2\n[application]\nname = "pre"\n${variableApp('x')}`);
    const manifest = await loadManifest(file);
    const cacheDir = join(dir, 'shared-cache');
    const app = await loadApp({
      from: 'not read when a manifest is given',
      manifest,
      stateDir: join(dir, 'state'),
      cacheDir,
      runtimeConfigFile: null,
      env: {},
    });
    expect(app.manifest).toBe(manifest);
    expect(app.runtimeConfig.file).toBeUndefined();
    expect(app.components[0]?.gluePath.startsWith(join(cacheDir, 'transpiled'))).toBe(true);
    expect(existsSync(join(dir, 'state', 'cache'))).toBe(false);
  });
});

function request() {
  return {
    method: 'GET',
    pathWithQuery: '/',
    scheme: 'http' as const,
    authority: 'localhost',
    headers: [],
    body: new Uint8Array(),
  };
}

function discard() {
  return { start: () => undefined, write: () => undefined, end: () => undefined, fail: () => undefined };
}
