import { afterEach, describe, expect, it } from 'vitest';
import { informersSynced } from './checks.js';
import { HealthProbeServer } from './health-probe-server.js';

const servers: HealthProbeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function serve(server = new HealthProbeServer({ bindAddress: '127.0.0.1:0' })) {
  servers.push(server);
  const address = await server.start();
  if (!address) throw new Error('the server did not start');
  return {
    server,
    get: async (path: string, method = 'GET') => {
      const response = await fetch(`http://127.0.0.1:${String(address.port)}${path}`, { method });
      return {
        status: response.status,
        body: await response.text(),
        type: response.headers.get('content-type'),
      };
    },
  };
}

describe('HealthProbeServer over HTTP', () => {
  it('answers 200 "ok" on /healthz and /readyz with only the built-in ping check', async () => {
    const { get } = await serve();
    expect(await get('/healthz')).toEqual({ status: 200, body: 'ok', type: 'text/plain; charset=utf-8' });
    expect(await get('/readyz')).toEqual({ status: 200, body: 'ok', type: 'text/plain; charset=utf-8' });
    expect(await get('/healthz/ping')).toMatchObject({ status: 200, body: 'ok' });
  });

  it('answers 500 naming the failing check and its reason, listing the passing ones', async () => {
    const { server, get } = await serve();
    let synced = false;
    server.addReadyzCheck(
      'informers-synced',
      informersSynced({
        spinapps: {
          get hasSynced() {
            return synced;
          },
        },
      }),
    );
    server.addReadyzCheck('webhook-certs', () => Promise.resolve(true));
    expect(await get('/readyz')).toEqual({
      status: 500,
      body: '[+]ping ok\n[-]informers-synced failed: informers not synced: spinapps\n[+]webhook-certs ok\nreadyz check failed\n',
      type: 'text/plain; charset=utf-8',
    });
    // Liveness is not affected by a readiness check.
    expect(await get('/healthz')).toMatchObject({ status: 200, body: 'ok' });
    synced = true;
    expect(await get('/readyz')).toMatchObject({ status: 200, body: 'ok' });
  });

  it('fails a check that throws, rejects, returns false or does not answer in time', async () => {
    const server = new HealthProbeServer({ bindAddress: '127.0.0.1:0', checkTimeoutMs: 100 });
    const { get } = await serve(server);
    server
      .addHealthzCheck('throws', () => {
        throw new Error('lease not renewed');
      })
      .addHealthzCheck('rejects', () => Promise.reject(new Error('cache broken')))
      .addHealthzCheck('false', () => false)
      .addHealthzCheck('hangs', () => new Promise(() => undefined));
    const { status, body } = await get('/healthz');
    expect(status).toBe(500);
    expect(body.split('\n')).toEqual([
      '[+]ping ok',
      '[-]throws failed: lease not renewed',
      '[-]rejects failed: cache broken',
      '[-]false failed: not ok',
      '[-]hangs failed: no answer within 100 ms',
      'healthz check failed',
      '',
    ]);
  });

  it('runs one check at /<probe>/<name>, lists checks with ?verbose and skips them with ?exclude', async () => {
    const { server, get } = await serve();
    server.addReadyzCheck('broken', () => false).addReadyzCheck('fine', () => undefined);
    expect(await get('/readyz/fine')).toMatchObject({ status: 200, body: 'ok' });
    expect(await get('/readyz/broken')).toMatchObject({
      status: 500,
      body: 'internal server error: not ok\n',
    });
    expect(await get('/readyz/missing')).toMatchObject({ status: 404 });
    expect(await get('/readyz?exclude=broken&verbose')).toMatchObject({
      status: 200,
      body: '[+]ping ok\n[+]fine ok\n[+]broken excluded: ok\nreadyz check passed\n',
    });
    expect(await get('/healthz?verbose')).toMatchObject({
      status: 200,
      body: '[+]ping ok\nhealthz check passed\n',
    });
  });

  it('answers HEAD without a body, and 404 for other paths and methods', async () => {
    const { get } = await serve();
    expect(await get('/healthz', 'HEAD')).toMatchObject({ status: 200, body: '' });
    expect(await get('/metrics')).toMatchObject({ status: 404 });
    expect(await get('/healthz/ping/extra')).toMatchObject({ status: 404 });
    expect(await get('/healthz', 'POST')).toMatchObject({ status: 404 });
  });

  it('refuses duplicate and malformed check names', () => {
    const server = new HealthProbeServer();
    expect(() => server.addHealthzCheck('ping', () => true)).toThrow('"ping" is already registered');
    expect(() => server.addReadyzCheck('a/b', () => true)).toThrow('names are letters');
    server.addReadyzCheck('informers-synced', () => true);
    expect(() => server.addReadyzCheck('informers-synced', () => true)).toThrow('already registered');
  });

  it('serves nothing when the bind address is "0" or empty, and stops listening on stop()', async () => {
    for (const bindAddress of ['0', '']) {
      const disabled = new HealthProbeServer({ bindAddress });
      expect(await disabled.start()).toBeUndefined();
      await disabled.stop();
    }

    const { server, get } = await serve();
    const port = server.address!.port;
    await get('/healthz'); // a kept-alive connection must not hold stop() up
    await server.stop();
    await expect(fetch(`http://127.0.0.1:${String(port)}/healthz`)).rejects.toThrow();
  });

  it('refuses a malformed bind address', async () => {
    await expect(new HealthProbeServer({ bindAddress: '8081' }).start()).rejects.toThrow(
      'invalid bind address "8081"',
    );
  });

  it('rejects start() when the address is taken', async () => {
    const { server } = await serve();
    const second = new HealthProbeServer({ bindAddress: `127.0.0.1:${String(server.address!.port)}` });
    await expect(second.start()).rejects.toThrow('EADDRINUSE');
  });
});
