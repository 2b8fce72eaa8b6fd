import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, serveManifest, wasm, type Served } from './serve-manifest.js';
import { up } from './up-process.js';

/** examples/js-app, plus js-hello behind a private route for service chaining. */
const APP = `
[variables]
greeting = { default = "Hello from js-app" }
secret_token = { required = false, default = "dev", secret = true }
[[trigger.http]]
route = "/..."
component = "js-app"
[[trigger.http]]
route = { private = true }
component = "js-hello"
[component.js-app]
source = "${wasm('js-app')}"
key_value_stores = ["default"]
sqlite_databases = ["default"]
allowed_outbound_hosts = ["http://127.0.0.1:*", "http://self", "http://js-hello.spin.internal"]
environment = { APP_MODE = "example" }
[component.js-app.variables]
greeting = "{{ greeting }}"
secret_token = "{{ secret_token }}"
banner = "{{ greeting }} (token {{ secret_token }})"
[component.js-hello]
source = "${wasm('js-hello')}"
`;

let upstream: Server;
let upstreamUrl: string;
let app: Served;
const upstreamRequests: { method: string; url: string; host: string | undefined }[] = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    upstreamRequests.push({ method: req.method ?? '', url: req.url ?? '', host: req.headers.host });
    res
      .writeHead(201, { 'content-type': 'text/plain', 'x-upstream': 'yes' })
      .end(`upstream saw ${req.url ?? ''}`);
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${String((upstream.address() as AddressInfo).port)}`;
});
afterAll(async () => {
  await new Promise((resolve) => upstream.close(resolve));
});

describe('a Spin JS SDK app using variables, key-value, SQLite and outbound HTTP', () => {
  beforeAll(async () => {
    app = await serveManifest(APP, {
      load: { env: { SPIN_VARIABLE_SECRET_TOKEN: 's3cret' } },
      lifetime: 'file',
    });
  });

  it('routes inside the guest, with a fresh instance per request', async () => {
    expect(await get(`${app.url}/`)).toEqual({ status: 200, text: 'Hello from js-app\n' });
    expect((await get(`${app.url}/hits`)).text).toBe('hits=1\n');
    expect((await get(`${app.url}/hits`)).text).toBe('hits=1\n');
  });

  it('reads variables rendered from defaults and SPIN_VARIABLE_*, and reports undefined ones', async () => {
    expect((await get(`${app.url}/var/greeting`)).text).toBe('Hello from js-app');
    expect((await get(`${app.url}/var/banner`)).text).toBe('Hello from js-app (token s3cret)');
    expect(await get(`${app.url}/var/nope`)).toEqual({
      status: 404,
      text: '{"tag":"undefined","val":"nope"}',
    });
  });

  it('stores, reads and deletes values in the default key-value store', async () => {
    expect((await get(`${app.url}/kv/colour`, { method: 'PUT', body: 'teal' })).status).toBe(200);
    expect(await get(`${app.url}/kv/colour`)).toEqual({ status: 200, text: 'teal' });
    expect((await get(`${app.url}/kv/colour`, { method: 'DELETE' })).status).toBe(200);
    expect((await get(`${app.url}/kv/colour`)).status).toBe(404);
    const first = (await get(`${app.url}/kv-count`)).text;
    const second = (await get(`${app.url}/kv-count`)).text;
    expect(Number(/\d+/.exec(second)?.[0])).toBe(Number(/\d+/.exec(first)?.[0]) + 1);
  });

  it('runs SQL against the default SQLite database', async () => {
    const first = Number(/rows=(\d+)/.exec((await get(`${app.url}/sql`)).text)?.[1]);
    const second = Number(/rows=(\d+)/.exec((await get(`${app.url}/sql`)).text)?.[1]);
    expect(first).toBeGreaterThanOrEqual(1);
    expect(second).toBe(first + 1);
  });

  it('makes outbound requests to allowed hosts and returns what the server sent', async () => {
    const response = await get(`${app.url}/fetch?url=${encodeURIComponent(`${upstreamUrl}/path?q=1`)}`);
    expect(response).toEqual({ status: 200, text: 'upstream status=201\nupstream saw /path?q=1' });
    expect(upstreamRequests.at(-1)).toEqual({ method: 'GET', url: '/path?q=1', host: upstreamUrl.slice(7) });
  });

  it('denies hosts outside allowed_outbound_hosts and logs why', async () => {
    const response = await get(`${app.url}/fetch?url=${encodeURIComponent('http://localhost:9/')}`);
    expect(response.status).toBe(502);
    expect(app.logs.join('\n')).toContain(
      '[js-app] outbound HTTP to http://localhost:9 denied: it is not in allowed_outbound_hosts',
    );
  });

  it('reports a refused connection to the guest as an error, not a crash', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const response = await get(
      `${app.url}/fetch?url=${encodeURIComponent(`http://127.0.0.1:${String(port)}/`)}`,
    );
    expect(response.status).toBe(502);
    expect((await get(`${app.url}/`)).status).toBe(200);
  });

  it('calls the app itself through http://self without the network', async () => {
    const response = await get(`${app.url}/fetch?url=${encodeURIComponent('http://self/var/greeting')}`);
    expect(response).toEqual({ status: 200, text: 'upstream status=200\nHello from js-app' });
  });

  it('chains to a private component through http://<component>.spin.internal', async () => {
    const response = await get(
      `${app.url}/fetch?url=${encodeURIComponent('http://js-hello.spin.internal/chained')}`,
    );
    expect(response.status).toBe(200);
    expect(response.text).toContain('upstream status=200\nHello from the JS SDK!\npath: /chained');
    // The private component has no public route.
    expect((await get(`${app.url}/chained`)).text).not.toContain('Hello from the JS SDK');
  });

  it('still answers while every worker waits on a call back into the app', async () => {
    const calls = Array.from({ length: 4 }, () =>
      get(`${app.url}/fetch?url=${encodeURIComponent('http://self/hits')}`),
    );
    const results = await Promise.all(calls);
    expect(results.map((r) => r.text)).toEqual(
      Array.from({ length: 4 }, () => 'upstream status=200\nhits=1\n'),
    );
  });

  it('streams request bodies into the guest: a 3 MB upload and a slow chunked one come back intact', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4) big.writeUInt32LE(i, i);
    const response = await fetch(`${app.url}/echo`, { method: 'POST', body: big });
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(big)).toBe(true);

    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${app.url}/echo`,
        { method: 'POST', headers: { 'content-type': 'text/plain' } },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body });
          });
        },
      );
      req.on('error', reject);
      let sent = 0;
      const tick = setInterval(() => {
        req.write(`part ${String(++sent)};`);
        if (sent === 5) {
          clearInterval(tick);
          req.end();
        }
      }, 30);
    });
    expect(chunked).toEqual({ status: 200, body: 'part 1;part 2;part 3;part 4;part 5;' });
  });

  it('gives the component its manifest environment', async () => {
    expect((await get(`${app.url}/env/APP_MODE`)).text).toBe('example');
  });
});

describe('up flags for the JS app', () => {
  it('--env adds environment variables and --key-value seeds the default store', async () => {
    const { url } = await up([
      '-f',
      wasm('js-app').replace(/dist\/js-app\.wasm$/, 'js-app/spin.toml'),
      '--listen',
      '127.0.0.1:0',
      '--state-dir',
      `${app.dir}/up-state`,
      '--env',
      'EXTRA=from-flag',
      '--key-value',
      'seeded=hello=world',
    ]);
    expect((await get(`${url}/env/EXTRA`)).text).toBe('from-flag');
    expect((await get(`${url}/kv/seeded`)).text).toBe('hello=world');
  });
});
