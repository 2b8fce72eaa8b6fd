import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadApp } from '../src/app/load-app.js';
import { get, scratchDir, serveManifest, wasm } from './serve-manifest.js';

const tiny = readFileSync(wasm('tiny-hello'));
const digest = `sha256:${createHash('sha256').update(tiny).digest('hex')}`;
let server: Server;
let base: string;
let downloads = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/tiny.wasm') {
      downloads++;
      res.writeHead(200, { 'content-type': 'application/wasm' }).end(tiny);
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const urlApp = (url: string, sourceDigest: string) => `
[[trigger.http]]
route = "/..."
component = "remote"
[component.remote]
source = { url = "${url}", digest = "${sourceDigest}" }
`;

function manifestFile(body: string): { file: string; dir: string } {
  const dir = scratchDir();
  const file = join(dir, 'spin.toml');
  writeFileSync(file, `spin_manifest_version = 2\n[application]\nname = "sources"\n${body}`);
  return { file, dir };
}

describe('component sources', () => {
  it('downloads { url, digest } once into the content-addressed cache and serves it', async () => {
    const dir = scratchDir();
    const app = await serveManifest(urlApp(`${base}/tiny.wasm`, digest), { dir });
    expect(await get(`${app.url}/`)).toEqual({ status: 200, text: 'Hello from a tiny component\n' });
    expect(downloads).toBe(1);
    await app.close();
    await serveManifest(urlApp(`${base}/tiny.wasm`, digest), { dir });
    expect(downloads).toBe(1);
  });

  it('refuses a download whose digest differs, naming file, line and field', async () => {
    const wrong = `sha256:${'0'.repeat(64)}`;
    const { file, dir } = manifestFile(urlApp(`${base}/tiny.wasm`, wrong));
    await expect(loadApp({ from: file, stateDir: join(dir, 'state'), env: {} })).rejects.toThrow(
      new RegExp(
        `spin\\.toml:9: component\\.remote\\.source: .*tiny\\.wasm: content has digest ${digest}, expected ${wrong}`,
      ),
    );
  });

  it('reports a URL that cannot be downloaded', async () => {
    const { file, dir } = manifestFile(urlApp(`${base}/missing.wasm`, digest));
    await expect(loadApp({ from: file, stateDir: join(dir, 'state'), env: {} })).rejects.toThrow(
      /component\.remote\.source: cannot download .*missing\.wasm: HTTP 404/,
    );
  });

  it('refuses the wagi executor, which this runtime does not run', async () => {
    const { file, dir } = manifestFile(`
[[trigger.http]]
route = "/..."
component = "hello"
executor = { type = "wagi" }
[component.hello]
source = "${wasm('tiny-hello')}"
`);
    await expect(loadApp({ from: file, stateDir: join(dir, 'state'), env: {} })).rejects.toThrow(
      /spin\.toml:\d+: trigger\.http\[0\]\.executor: executor "wagi" is not supported by this runtime/,
    );
  });
});
