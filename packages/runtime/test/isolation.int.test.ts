import { describe, expect, it } from 'vitest';
import { get, serveManifest, wasm } from './serve-manifest.js';

const component = (id: string, route: string, source: string) => `
[[trigger.http]]
route = "${route}"
component = "${id}"
[component.${id}]
source = "${wasm(source)}"
`;

describe('per-request isolation and limits', () => {
  it('gives every request a fresh instance: a guest global counter reads 1 each time', async () => {
    const app = await serveManifest(component('counter', '/...', 'tiny-counter'));
    const bodies = await Promise.all(Array.from({ length: 40 }, () => get(`${app.url}/`)));
    expect(bodies.map((b) => b.text)).toEqual(Array.from({ length: 40 }, () => 'count=1\n'));
  });

  it('stops a guest that loops forever at the request deadline, and keeps serving meanwhile', async () => {
    const app = await serveManifest(
      component('loop', '/loop', 'tiny-loop') + component('hello', '/hello', 'tiny-hello'),
      { serve: { requestTimeoutMs: 1000, workers: 2 } },
    );
    const looping = get(`${app.url}/loop`);
    // While one worker spins, the other keeps answering.
    for (let i = 0; i < 5; i++) expect((await get(`${app.url}/hello`)).status).toBe(200);
    const started = performance.now();
    expect((await looping).status).toBe(500);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(app.logs.join('\n')).toMatch(/\[loop\] .*request timeout \(1000 ms\)/);
    // The stopped worker was replaced: both workers serve again.
    const after = await Promise.all(Array.from({ length: 10 }, () => get(`${app.url}/hello`)));
    expect(after.every((r) => r.status === 200)).toBe(true);
    expect(app.pool.workerCount).toBe(2);
  });

  it('caps linear memory at SPIN_MAX_INSTANCE_MEMORY: a guest that grows past it fails alone', async () => {
    const app = await serveManifest(
      component('oom', '/oom', 'tiny-oom') + component('hello', '/hello', 'tiny-hello'),
      { load: { maxInstanceMemory: 16 * 1024 * 1024 } },
    );
    const started = performance.now();
    expect((await get(`${app.url}/oom`)).status).toBe(500);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(app.logs.join('\n')).toMatch(/\[oom\] .*unreachable/);
    expect((await get(`${app.url}/hello`)).status).toBe(200);
    expect((await get(`${app.url}/oom`)).status).toBe(500);
  });

  it('answers 500 for a trapping guest while concurrent requests to others succeed', async () => {
    const app = await serveManifest(
      component('trap', '/trap', 'tiny-trap') + component('hello', '/hello', 'tiny-hello'),
    );
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => get(`${app.url}/${i % 2 === 0 ? 'trap' : 'hello'}`)),
    );
    expect(results.map((r) => r.status)).toEqual(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 500 : 200)),
    );
  });
});
