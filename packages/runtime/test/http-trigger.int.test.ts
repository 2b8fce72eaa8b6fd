import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApp } from '../src/app/load-app.js';
import { serveApp, type ServedApp } from '../src/app/serve-app.js';
import { compileComponent } from '../src/component/compiled-component.js';
import { componentImports, unsupportedImports } from '../src/component/component-imports.js';
import { PROVIDED_INTERFACES } from '../src/host/host-imports.js';

const examples = join(import.meta.dirname, '..', '..', '..', 'examples', 'dist');
const work = mkdtempSync(join(tmpdir(), 'spinkube-runtime-trigger-'));
const cacheDir = join(work, 'state', 'cache');
const tinyHello = readFileSync(join(examples, 'tiny-hello.wasm'));
const guestErrors: string[] = [];
let trigger: ServedApp;

beforeAll(async () => {
  const manifest = join(work, 'spin.toml');
  writeFileSync(
    manifest,
    `spin_manifest_version = 2
[application]
name = "tiny"
version = "1.0.0"
[[trigger.http]]
route = "/hello/..."
component = "hello"
[[trigger.http]]
route = "/trap"
component = "trap"
[component.hello]
source = "${join(examples, 'tiny-hello.wasm')}"
[component.trap]
source = "${join(examples, 'tiny-trap.wasm')}"
`,
  );
  const app = await loadApp({ from: manifest, stateDir: join(work, 'state'), env: {} });
  trigger = await serveApp(app, {
    host: '127.0.0.1',
    port: 0,
    workers: 2,
    stdout: () => undefined,
    stderr: (line) => guestErrors.push(line),
  });
});

afterAll(async () => {
  await trigger.close();
  rmSync(work, { recursive: true, force: true });
});

describe('HTTP trigger with real components', () => {
  it('serves a route with a fresh instance of the tiny component', async () => {
    const response = await fetch(`${trigger.url}/hello/world?x=1`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('Hello from a tiny component\n');
  });

  it('answers many requests in a row, each from its own instance', async () => {
    const statuses = [];
    for (let i = 0; i < 25; i++) statuses.push((await fetch(`${trigger.url}/hello`)).status);
    expect(statuses).toEqual(Array.from({ length: 25 }, () => 200));
  });

  it('answers 404 when no route matches', async () => {
    expect((await fetch(`${trigger.url}/nothing-here`)).status).toBe(404);
  });

  it('answers Spin health and info endpoints itself', async () => {
    const health = await fetch(`${trigger.url}/.well-known/spin/health`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('OK');
    const info = await fetch(`${trigger.url}/.well-known/spin/info`);
    expect(await info.json()).toMatchObject({ name: 'tiny', version: '1.0.0' });
  });

  it('answers 500 for a trapping guest, reports it, and keeps serving', async () => {
    guestErrors.length = 0;
    expect((await fetch(`${trigger.url}/trap`)).status).toBe(500);
    expect(guestErrors).toHaveLength(1);
    expect(guestErrors[0]).toMatch(/^\[trap\] .*unreachable/i);
    expect((await fetch(`${trigger.url}/hello`)).status).toBe(200);
  });
});

describe('components and their cache', () => {
  it('reuses the transpiled output from the digest-keyed cache', async () => {
    const again = await compileComponent(tinyHello, cacheDir);
    expect(again.fromCache).toBe(true);
    expect([...again.imports].sort()).toEqual([
      'wasi:http/types@0.2.3',
      'wasi:io/error@0.2.3',
      'wasi:io/streams@0.2.3',
    ]);
    expect(again.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('compiles a component once per process for the same bytes and limit; other bytes or limits get their own', async () => {
    const first = await compileComponent(tinyHello, cacheDir);
    const again = await compileComponent(Uint8Array.from(tinyHello), cacheDir);
    expect(again.modules).toBe(first.modules);
    const limited = await compileComponent(tinyHello, cacheDir, { maxInstanceMemory: 1 << 20 });
    expect(limited.modules).not.toBe(first.modules);
    expect(limited.digest).toBe(first.digest);
    const other = await compileComponent(readFileSync(join(examples, 'tiny-trap.wasm')), cacheDir);
    expect(other.digest).not.toBe(first.digest);
    expect(other.modules).not.toBe(first.modules);
  });

  it('lists the versioned imports of a component, all provided by the host', async () => {
    const imports = await componentImports(tinyHello);
    expect(imports.sort()).toEqual(['wasi:http/types@0.2.3', 'wasi:io/error@0.2.3', 'wasi:io/streams@0.2.3']);
    expect(unsupportedImports(imports, PROVIDED_INTERFACES)).toEqual([]);
  });

  it('refuses bytes that are not a component', async () => {
    await expect(compileComponent(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]), cacheDir)).rejects.toThrow(
      /not a valid WebAssembly component/,
    );
  });
});
