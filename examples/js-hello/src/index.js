// A Spin HTTP component written with Spin's JS SDK toolchain (@spinframework/build-tools). It counts
// requests in a module-level variable: with Spin's per-request isolation every response says hits=1.
let hits = 0;

addEventListener('fetch', (event) => event.respondWith(handle(event.request)));

async function handle(request) {
  hits += 1;
  const url = new URL(request.url);
  console.log(`${request.method} ${url.pathname}`);
  const body = [
    'Hello from the JS SDK!',
    `path: ${url.pathname}`,
    `matched route: ${request.headers.get('spin-matched-route')}`,
    `path info: ${request.headers.get('spin-path-info')}`,
    `hits: ${hits}`,
  ].join('\n');
  return new Response(`${body}\n`, { status: 200, headers: { 'content-type': 'text/plain' } });
}
