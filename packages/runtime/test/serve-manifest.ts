/**
 * Serves a manifest written by the test, in-process with real worker threads and real HTTP, and closes
 * whatever a test left running.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { loadApp, type LoadAppOptions } from '../src/app/load-app.js';
import { serveApp, type ServedApp, type ServeOptions } from '../src/app/serve-app.js';

export const examples = join(import.meta.dirname, '..', '..', '..', 'examples', 'dist');
export const wasm = (name: string) => join(examples, `${name}.wasm`);

const work = mkdtempSync(join(tmpdir(), 'spinkube-serve-'));
const perTest: ServedApp[] = [];
const perFile: ServedApp[] = [];
afterEach(async () => {
  await Promise.all(perTest.splice(0).map((app) => app.close()));
});
afterAll(async () => {
  await Promise.all(perFile.splice(0).map((app) => app.close()));
  rmSync(work, { recursive: true, force: true });
});

let counter = 0;

/** A fresh directory for one test's files. */
export function scratchDir(): string {
  return mkdtempSync(join(work, 'case-'));
}

export interface Served extends ServedApp {
  readonly logs: string[];
  readonly dir: string;
}

/** Writes `spin.toml` (and optionally `runtime-config.toml`) and serves it on 127.0.0.1. */
export async function serveManifest(
  body: string,
  options: {
    runtimeConfig?: string;
    dir?: string;
    load?: Partial<LoadAppOptions>;
    serve?: Partial<ServeOptions>;
    /** `file`: keep serving until the test file ends (for apps made in beforeAll). */
    lifetime?: 'test' | 'file';
  } = {},
): Promise<Served> {
  const dir = options.dir ?? scratchDir();
  const manifest = join(dir, `spin-${String(counter++)}.toml`);
  writeFileSync(manifest, `spin_manifest_version = 2\n[application]\nname = "test-app"\n${body}`);
  let runtimeConfigFile: string | undefined;
  if (options.runtimeConfig !== undefined) {
    runtimeConfigFile = join(dir, 'runtime-config.toml');
    writeFileSync(runtimeConfigFile, options.runtimeConfig);
  }
  const app = await loadApp({
    from: manifest,
    stateDir: join(dir, 'state'),
    env: {},
    ...(runtimeConfigFile ? { runtimeConfigFile } : {}),
    ...options.load,
  });
  const logs: string[] = [];
  const served = await serveApp(app, {
    host: '127.0.0.1',
    port: 0,
    workers: 2,
    stdout: (line) => logs.push(line),
    stderr: (line) => logs.push(line),
    ...options.serve,
  });
  (options.lifetime === 'file' ? perFile : perTest).push(served);
  return Object.assign(served, { logs, dir });
}

/** The body of a GET (or other method) as text, with its status. */
export async function get(url: string, init?: RequestInit): Promise<{ status: number; text: string }> {
  const response = await fetch(url, init);
  return { status: response.status, text: await response.text() };
}
