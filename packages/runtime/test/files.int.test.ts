import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { get, scratchDir, serveManifest, wasm } from './serve-manifest.js';

const filesApp = (files: string) => `
[[trigger.http]]
route = "/..."
component = "files"
[component.files]
source = "${wasm('tiny-files')}"
${files}
`;

/** A GET whose path is sent exactly as written (fetch would resolve `..` itself). */
function rawGet(url: string, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/`, { path }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, text });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('component files mounted read-only', () => {
  it('serves files placed by globs and by { source, destination }, minus exclude_files', async () => {
    const dir = scratchDir();
    for (const [path, content] of Object.entries({
      'static/hello.txt': 'Hello from a mounted file\n',
      'static/nested/deep.txt': 'deep\n',
      'static/secret.map': 'excluded\n',
      'docs/readme.md': '# docs\n',
    })) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    const app = await serveManifest(
      filesApp(
        'files = [{ source = "static", destination = "/" }, "docs/*.md"]\nexclude_files = ["static/*.map"]',
      ),
      { dir },
    );
    expect(await get(`${app.url}/hello.txt`)).toEqual({ status: 200, text: 'Hello from a mounted file\n' });
    expect(await get(`${app.url}/nested/deep.txt`)).toEqual({ status: 200, text: 'deep\n' });
    expect(await get(`${app.url}/docs/readme.md`)).toEqual({ status: 200, text: '# docs\n' });
    expect(await get(`${app.url}/`)).toEqual({ status: 200, text: 'docs\nhello.txt\nnested\n' });
    expect(await get(`${app.url}/secret.map`)).toEqual({ status: 404, text: 'error: no-entry\n' });
  });

  it('refuses writes and paths that leave the mount', async () => {
    const dir = scratchDir();
    mkdirSync(join(dir, 'static'));
    writeFileSync(join(dir, 'static', 'a.txt'), 'a');
    const app = await serveManifest(filesApp('files = [{ source = "static", destination = "/" }]'), { dir });
    expect(await get(`${app.url}/new.txt`, { method: 'PUT', body: 'x' })).toEqual({
      status: 403,
      text: 'error: read-only\n',
    });
    expect(await rawGet(app.url, '/../../etc/passwd')).toEqual({
      status: 404,
      text: 'error: not-permitted\n',
    });
  });

  it('gives a component without files no preopened directory', async () => {
    const app = await serveManifest(filesApp(''));
    expect(await get(`${app.url}/hello.txt`)).toEqual({ status: 500, text: 'no preopens\n' });
  });
});
