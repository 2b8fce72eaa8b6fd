/** `setWorkerEntry`: where a bundled program's workers load from, and what happens when they cannot. */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerPool } from '../src/engine/worker-pool.js';
import { setWorkerEntry, workerEntry } from '../src/engine/worker-entry.js';
import { get, scratchDir, serveManifest, wasm } from './serve-manifest.js';

const builtEntry = workerEntry();
const pools: WorkerPool[] = [];
afterEach(async () => {
  setWorkerEntry(undefined);
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

const HELLO = `
[[trigger.http]]
route = "/..."
component = "hello"
[component.hello]
source = "${wasm('tiny-hello')}"
`;

describe('the worker entry', () => {
  it('starts workers from the module setWorkerEntry names', async () => {
    const dir = scratchDir();
    const marker = join(dir, 'entry-was-loaded');
    const entry = join(dir, 'bundled-worker.mjs');
    writeFileSync(
      entry,
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'yes');\nawait import(${JSON.stringify(builtEntry.href)});\n`,
    );
    setWorkerEntry(pathToFileURL(entry));
    expect(workerEntry().href).toBe(pathToFileURL(entry).href);
    const app = await serveManifest(HELLO, { serve: { workers: 1 } });
    expect((await get(app.url)).status).toBe(200);
    expect(existsSync(marker)).toBe(true);
  });

  it('fails the app’s loading with the entry named when no worker can boot from it, and does not respawn in a loop', async () => {
    const missing = new URL('file:///nonexistent/spinkube-worker.mjs');
    setWorkerEntry(missing);
    const pool = new WorkerPool({ size: 2, requestTimeoutMs: 5000, log: () => undefined });
    pools.push(pool);
    const app = pool.addApp(
      { components: [], stores: { keyValueStores: new Map(), sqliteDatabases: new Map() } },
      { calls: () => ({ handlers: {}, dispose: () => undefined }), log: () => undefined },
    );
    await expect(app.preload()).rejects.toThrow(
      /while booting \(file:\/\/\/nonexistent\/spinkube-worker\.mjs\)/,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(pool.workerCount).toBe(0);
  });
});
