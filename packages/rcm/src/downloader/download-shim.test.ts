import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { pack } from 'tar-stream';
import { afterEach, describe, expect, it } from 'vitest';
import { downloadSettings } from './download-settings.js';
import { downloadShim } from './download-shim.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function targz(files: Record<string, string>): Promise<Buffer> {
  const archive = pack();
  for (const [name, content] of Object.entries(files)) archive.entry({ name, mode: 0o755 }, content);
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  return promisify(gzip)(Buffer.concat(chunks));
}

/** A loopback HTTP server answering each request with the next of `replies` (the last one repeats). */
async function serve(
  replies: readonly (readonly [number, Buffer | string])[],
): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const server: Server = createServer((_request, response) => {
    const [status, body] = replies[Math.min(requests, replies.length - 1)] ?? [500, ''];
    requests++;
    response.writeHead(status).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${String(port)}/containerd-shim-spin-v2.tar.gz`, requests: () => requests };
}

function assets(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rcm-assets-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const settings = (location: string, extra: Record<string, string> = {}) =>
  downloadSettings(
    { SHIM_NAME: 'spin-v2', SHIM_LOCATION: location, SLEEP_DURATION: '0', ...extra },
    assets(),
  );

describe('downloadShim', () => {
  it('fetches the archive, checks its sha256 and writes the binary for the installer', async () => {
    const archive = await targz({ 'README.md': 'readme', 'containerd-shim-spin-v2': 'the shim' });
    const { url } = await serve([[200, archive]]);
    const sha256 = createHash('sha256').update(archive).digest('hex');
    const downloaded = await downloadShim(settings(url, { SHIM_SHA256: sha256 }));
    expect(readFileSync(downloaded.path, 'utf8')).toBe('the shim');
    expect(statSync(downloaded.path).mode & 0o777).toBe(0o755);
    expect(downloaded.archiveSha256).toBe(sha256);
  });

  it('tries again after server errors, up to NUM_RETRY times', async () => {
    const archive = await targz({ 'dist/containerd-shim-spin-v2': 'in a directory' });
    const server = await serve([
      [503, 'busy'],
      [502, 'bad gateway'],
      [200, archive],
    ]);
    const downloaded = await downloadShim(settings(server.url, { NUM_RETRY: '2' }));
    expect(readFileSync(downloaded.path, 'utf8')).toBe('in a directory');
    expect(server.requests()).toBe(3);
    const failing = await serve([[500, 'down']]);
    await expect(downloadShim(settings(failing.url, { NUM_RETRY: '1' }))).rejects.toThrow(
      /HTTP 500 Internal Server Error \(after 2 tries\)/,
    );
  });

  it('fails at once on a 404, naming the location, instead of taking the error page as the archive', async () => {
    const server = await serve([[404, 'not here']]);
    await expect(downloadShim(settings(server.url))).rejects.toThrow(`${server.url}: HTTP 404 Not Found`);
    expect(server.requests()).toBe(1);
  });

  it('refuses an archive whose sha256 differs, or that does not hold the shim, writing nothing', async () => {
    const archive = await targz({ 'containerd-shim-wasmtime-v1': 'other shim' });
    const { url } = await serve([[200, archive]]);
    const wrong = settings(url, { SHIM_SHA256: 'a'.repeat(64) });
    await expect(downloadShim(wrong)).rejects.toThrow(/sha256 [0-9a-f]{64} does not match SHIM_SHA256 a{64}/);
    await expect(downloadShim(settings(url))).rejects.toThrow(
      'the archive holds no containerd-shim-spin-v2 (it holds: containerd-shim-wasmtime-v1)',
    );
    const notGzip = await serve([[200, 'just text']]);
    await expect(downloadShim(settings(notGzip.url))).rejects.toThrow(/not a tar\.gz archive/);
  });
});

describe('downloadSettings', () => {
  it('names the variable that is wrong', () => {
    expect(() => downloadSettings({ SHIM_LOCATION: 'https://x' })).toThrow('SHIM_NAME is not set');
    expect(() => downloadSettings({ SHIM_NAME: 'spin-v2', SHIM_LOCATION: 'ftp://x' })).toThrow(
      'SHIM_LOCATION="ftp://x" is not an http://, https:// or oci:// location',
    );
    expect(() =>
      downloadSettings({ SHIM_NAME: 'spin-v2', SHIM_LOCATION: 'https://x', SHIM_SHA256: 'xyz' }),
    ).toThrow('SHIM_SHA256="xyz" is not 64 hexadecimal digits');
    expect(() =>
      downloadSettings({ SHIM_NAME: 'spin-v2', SHIM_LOCATION: 'https://x', NUM_RETRY: '-1' }),
    ).toThrow('NUM_RETRY="-1" is not a whole number ≥ 0');
    expect(() =>
      downloadSettings({
        SHIM_NAME: 'spin-v2',
        SHIM_LOCATION: 'oci://x',
        SHIM_OCI_PLAIN_HTTP: 'registry.local:5000, http://10.0.0.1:5000',
      }),
    ).toThrow(
      'SHIM_OCI_PLAIN_HTTP="http://10.0.0.1:5000" is not a registry host or host:port (no scheme, no path)',
    );
  });

  it('reads the plain-http registries as a comma-separated list', () => {
    expect(
      downloadSettings({
        SHIM_NAME: 'spin-v2',
        SHIM_LOCATION: 'oci://10.96.0.10:5000/shims/spin:v1',
        SHIM_OCI_PLAIN_HTTP: ' 10.96.0.10:5000,registry.kube-system.svc ,,[fd00::1]:5000',
      }).plainHttpRegistries,
    ).toEqual(['10.96.0.10:5000', 'registry.kube-system.svc', '[fd00::1]:5000']);
  });

  it("keeps upstream's defaults: 3 retries, 2 s apart", () => {
    expect(
      downloadSettings({ SHIM_NAME: 'spin-v2', SHIM_LOCATION: 'oci://registry.test/shims/spin:v1' }),
    ).toMatchObject({
      retries: 3,
      retryDelayMs: 2000,
      plainHttpRegistries: [],
      assetDir: '/assets',
    });
  });
});
