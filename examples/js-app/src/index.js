// A Spin HTTP app written with Spin's JS SDK toolchain (@spinframework/build-tools) and itty-router, as
// Spin's http-ts template is. It reaches Spin's host interfaces directly through their WIT imports
// (fermyon:spin/*@2.0.0, declared in ../wit and listed in package.json's config.witDependencies), and the
// component's environment through wasi:cli/environment (StarlingMonkey has no `process.env`).
//
// Text answers end with a newline; stored or echoed data comes back byte for byte.
import { AutoRouter } from 'itty-router';
import { Store } from 'fermyon:spin/key-value@2.0.0';
import { get as getVariable } from 'fermyon:spin/variables@2.0.0';
import { Connection } from 'fermyon:spin/sqlite@2.0.0';
import { getEnvironment } from 'wasi:cli/environment@0.2.3';

const COUNTER_KEY = 'count';
const STREAM_CHUNKS = 5;

// Requests this instance has handled. Spin gives every request a fresh instance, so /hits reads 1.
let hits = 0;

const router = AutoRouter({
  before: [
    () => {
      hits += 1;
    },
  ],
});

router
  .get('/', () => text('Hello from js-app\n'))
  .get('/hits', () => text(`hits=${hits}\n`))
  .get('/var/:name', ({ params }) => {
    try {
      return text(getVariable(decodeURIComponent(params.name)));
    } catch (error) {
      return errorJson(404, error);
    }
  })
  .get('/kv-count', () =>
    withDefaultStore((store) => {
      const count = decimal(store.get(COUNTER_KEY)) + 1;
      store.set(COUNTER_KEY, encode(String(count)));
      return text(`count=${count}\n`);
    }),
  )
  .get('/kv/:key', ({ params }) =>
    withDefaultStore((store) => {
      const key = decodeURIComponent(params.key);
      const value = store.get(key);
      if (value === undefined) return text(`no such key: ${key}\n`, 404);
      return new Response(value, { headers: { 'content-type': 'application/octet-stream' } });
    }),
  )
  .put('/kv/:key', async (request) => {
    const key = decodeURIComponent(request.params.key);
    const value = new Uint8Array(await request.arrayBuffer());
    return withDefaultStore((store) => {
      store.set(key, value);
      return text(`stored ${value.length} bytes at ${key}\n`);
    });
  })
  .delete('/kv/:key', ({ params }) =>
    withDefaultStore((store) => {
      const key = decodeURIComponent(params.key);
      if (!store.exists(key)) return text(`no such key: ${key}\n`, 404);
      store.delete(key);
      return text(`deleted ${key}\n`);
    }),
  )
  .get('/fetch', async (request) => {
    const url = new URL(request.url).searchParams.get('url');
    if (!url) return text('missing ?url=<url>\n', 400);
    try {
      const upstream = await fetch(url);
      return text(`upstream status=${upstream.status}\n${await upstream.text()}`);
    } catch (error) {
      return text(`fetch failed: ${describe(error)}\n`, 502);
    }
  })
  .get('/sql', () => {
    try {
      const db = Connection.open('default');
      db.execute('CREATE TABLE IF NOT EXISTS hits(n INTEGER)', []);
      db.execute('INSERT INTO hits(n) VALUES (?)', [{ tag: 'integer', val: 1n }]);
      const result = db.execute('SELECT COUNT(*) FROM hits', []);
      const count = result.rows[0]?.values[0];
      return text(`rows=${count?.tag === 'integer' ? String(count.val) : 'unknown'}\n`);
    } catch (error) {
      return errorJson(500, error);
    }
  })
  .get('/env/:name', ({ params }) => {
    const name = decodeURIComponent(params.name);
    const entry = getEnvironment().find(([key]) => key === name);
    return entry ? text(entry[1]) : text(`no such environment variable: ${name}\n`, 404);
  })
  .post('/echo', async (request) => {
    const contentType = request.headers.get('content-type') ?? 'application/octet-stream';
    return new Response(await request.arrayBuffer(), { headers: { 'content-type': contentType } });
  })
  .get('/stream', () => {
    let sent = 0;
    const body = new ReadableStream({
      pull(controller) {
        sent += 1;
        controller.enqueue(encode(`chunk ${sent} of ${STREAM_CHUNKS}\n`));
        if (sent === STREAM_CHUNKS) controller.close();
      },
    });
    return new Response(body, { headers: { 'content-type': 'text/plain; charset=utf-8' } });
  });

addEventListener('fetch', (event) => event.respondWith(router.fetch(event.request)));

/** Runs `use` on the store labelled "default"; a key-value error answers 500 with the error as JSON. */
function withDefaultStore(use) {
  try {
    return use(Store.open('default'));
  } catch (error) {
    return errorJson(500, error);
  }
}

function text(body, status = 200) {
  return new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

/** An error from a WIT import carries the `err` value of its result as `payload`, e.g. {"tag":"undefined","val":"x"}. */
function errorJson(status, error) {
  const payload = error?.payload ?? { message: describe(error) };
  return new Response(JSON.stringify(payload), { status, headers: { 'content-type': 'application/json' } });
}

function describe(error) {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

function encode(value) {
  return new TextEncoder().encode(value);
}

/** Leading ASCII digits of a stored value as a number; a missing value is 0. */
function decimal(bytes) {
  return bytes === undefined ? 0 : Number.parseInt(new TextDecoder().decode(bytes), 10) || 0;
}
