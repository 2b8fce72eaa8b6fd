/**
 * The packaged `rcm-shim-downloader` as the node Job's init container runs it: settings from the environment,
 * the shim fetched from a loopback HTTP server or from a real registry (Debian's docker-registry) over plain
 * HTTP, and each failure ending with exit code 1 and its message in the termination log.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type RunningRegistry } from '@spinkube/test-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shimArchive } from '../src/release/shim-archive.js';
import { pushShimArtifact } from '../src/release/shim-artifact.js';
import { packagedExecutable, run } from './packaged-executable.ts';

const SHIM = Buffer.from('\u007fELF the downloaded shim');
let downloader: string;
let work: string;
let server: Server;
let base: string;
let registry: RunningRegistry;
let archiveSha256: string;
let requests = 0;

beforeAll(async () => {
  downloader = packagedExecutable('rcm-shim-downloader');
  work = mkdtempSync(join(tmpdir(), 'rcm-downloader-'));
  const archive = await shimArchive(SHIM, 'spin-v2', 'x86_64');
  const otherShim = await shimArchive(SHIM, 'wasmtime-v1', 'x86_64');
  archiveSha256 = createHash('sha256').update(archive.bytes).digest('hex');
  const files: Record<string, Buffer> = {
    '/containerd-shim-spin-v2-linux-x86_64.tar.gz': archive.bytes,
    '/containerd-shim-wasmtime-v1-linux-x86_64.tar.gz': otherShim.bytes,
  };
  server = createServer((request, response) => {
    requests++;
    const body = files[request.url ?? ''];
    if (body) response.writeHead(200, { 'content-type': 'application/gzip' }).end(body);
    else response.writeHead(404).end('404 page not found\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  registry = await startRegistry();
  await pushShimArtifact(archive, `${registry.host}/spinkube/containerd-shim-spin-v2:v1`);
}, 300_000);

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await registry.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A fresh asset directory and termination log, and the downloader run with `env`. */
async function download(env: Record<string, string>) {
  const dir = mkdtempSync(join(work, 'job-'));
  const assets = join(dir, 'assets');
  const terminationLog = join(dir, 'termination-log');
  writeFileSync(terminationLog, '');
  const result = await run(downloader, ['--asset-path', assets], {
    SHIM_NAME: 'spin-v2',
    SLEEP_DURATION: '0',
    RCM_TERMINATION_LOG: terminationLog,
    ...env,
  });
  const written = (() => {
    try {
      return readdirSync(assets);
    } catch {
      return [];
    }
  })();
  return { ...result, assets, written, message: readFileSync(terminationLog, 'utf8') };
}

describe('rcm-shim-downloader, packaged', () => {
  it('writes containerd-shim-<name> from an HTTP archive whose sha256 matches', async () => {
    const location = `${base}/containerd-shim-spin-v2-linux-x86_64.tar.gz`;
    const result = await download({ SHIM_LOCATION: location, SHIM_SHA256: archiveSha256 });
    expect(result.stderr).toContain(`rcm-shim-downloader: downloading ${location} for shim spin-v2`);
    expect(result.status).toBe(0);
    expect(result.written).toEqual(['containerd-shim-spin-v2']);
    const binary = join(result.assets, 'containerd-shim-spin-v2');
    expect(readFileSync(binary)).toEqual(SHIM);
    expect(statSync(binary).mode & 0o777).toBe(0o755);
    expect(result.stdout).toBe(
      `${binary}: ${String(SHIM.length)} bytes from ${location} (archive sha256 ${archiveSha256}, as SHIM_SHA256 says)\n`,
    );
    expect(result.message).toBe('');
  });

  it('fails on a 404 at once, saying so in the termination log', async () => {
    const before = requests;
    const location = `${base}/v0.0.0/containerd-shim-spin-v2.tar.gz`;
    const result = await download({ SHIM_LOCATION: location, NUM_RETRY: '3' });
    expect(result.status).toBe(1);
    expect(result.message).toBe(`${location}: HTTP 404 Not Found`);
    expect(result.stderr).toContain(`rcm-shim-downloader: ${location}: HTTP 404 Not Found\n`);
    expect(requests - before).toBe(1);
    expect(result.written).toEqual([]);
  });

  it('refuses an archive whose sha256 differs from SHIM_SHA256, writing nothing', async () => {
    const location = `${base}/containerd-shim-spin-v2-linux-x86_64.tar.gz`;
    const result = await download({ SHIM_LOCATION: location, SHIM_SHA256: 'ab'.repeat(32) });
    expect(result.status).toBe(1);
    expect(result.message).toBe(
      `${location}: sha256 ${archiveSha256} does not match SHIM_SHA256 ${'ab'.repeat(32)}`,
    );
    expect(result.written).toEqual([]);
  });

  it('refuses an archive without containerd-shim-<name>, naming what it holds', async () => {
    const location = `${base}/containerd-shim-wasmtime-v1-linux-x86_64.tar.gz`;
    const result = await download({ SHIM_LOCATION: location });
    expect(result.status).toBe(1);
    expect(result.message).toBe(
      `${location}: the archive holds no containerd-shim-spin-v2 (it holds: containerd-shim-wasmtime-v1)`,
    );
    expect(result.written).toEqual([]);
  });

  it('refuses missing settings, naming the variable', async () => {
    const result = await download({ SHIM_NAME: '', SHIM_LOCATION: `${base}/x.tar.gz` });
    expect(result.status).toBe(1);
    expect(result.message).toBe('SHIM_NAME is not set');
  });

  it('fetches an oci:// location from a registry on loopback', async () => {
    const location = `oci://${registry.host}/spinkube/containerd-shim-spin-v2:v1`;
    const result = await download({ SHIM_LOCATION: location, SHIM_SHA256: archiveSha256 });
    expect(result.status).toBe(0);
    expect(readFileSync(join(result.assets, 'containerd-shim-spin-v2'))).toEqual(SHIM);
  });

  it('reaches a registry by another name over plain HTTP only when SHIM_OCI_PLAIN_HTTP lists it', async () => {
    // 127.1 is this registry's address, but not a name the client takes for loopback: https unless listed.
    const host = registry.host.replace(/^127\.0\.0\.1:/, '127.1:');
    const location = `oci://${host}/spinkube/containerd-shim-spin-v2:v1`;
    const refused = await download({ SHIM_LOCATION: location });
    expect(refused.status).toBe(1);
    expect(refused.message).toContain(`; if ${host} serves plain http, list it in SHIM_OCI_PLAIN_HTTP`);
    expect(refused.message).toMatch(
      new RegExp(
        `^${escape(location)}: GET https://${escape(host)}/v2/spinkube/containerd-shim-spin-v2/manifests/v1: `,
      ),
    );

    const listed = await download({
      SHIM_LOCATION: location,
      SHIM_SHA256: archiveSha256,
      SHIM_OCI_PLAIN_HTTP: `registry.example:5000,${host}`,
    });
    expect(listed.stderr).toContain(`fetching ${location} from ${host} over http`);
    expect(listed.status).toBe(0);
    expect(readFileSync(join(listed.assets, 'containerd-shim-spin-v2'))).toEqual(SHIM);
  });

  it('says which artifact a registry does not have', async () => {
    const location = `oci://${registry.host}/spinkube/containerd-shim-spin-v2:v9`;
    const result = await download({ SHIM_LOCATION: location });
    expect(result.status).toBe(1);
    expect(result.message).toMatch(
      new RegExp(
        `^${escape(location)}: .*${escape(`http://${registry.host}/v2/spinkube/containerd-shim-spin-v2/manifests/v9`)}`,
      ),
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
