import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { RuntimeError } from '../errors.js';
import { loadManifest } from '../manifest/load-manifest.js';
import { assembleApp, type AssembledApp } from './assemble-app.js';
import { lockedAppFromLayers, type ArtifactLayers } from './artifact-layers.js';
import {
  sha256Digest,
  SPIN_ARCHIVE_LAYER,
  SPIN_LOCKED_APP,
  SPIN_WASM_LAYER,
  WKG_WASM_LAYER,
  type OciDescriptor,
  type OciImageManifest,
} from '@spinkube/oci';
import { serializeLockedApp } from './locked-app.js';

const root = mkdtempSync(join(tmpdir(), 'spinkube-layers-'));
const wasm = Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), Buffer.alloc(300, 7)]);
const bigFile = Buffer.alloc(1000, 'x');
let cacheDir: string;

/** The RuntimeError a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<RuntimeError> {
  const reason: unknown = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (reason instanceof RuntimeError) return reason;
  throw new Error(`expected a RuntimeError, got ${String(reason)}`);
}
let appDir: string;

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

beforeEach(() => {
  cacheDir = mkdtempSync(join(root, 'cache-'));
});

function writeApp(): string {
  appDir = mkdtempSync(join(root, 'app-'));
  mkdirSync(join(appDir, 'static'));
  writeFileSync(join(appDir, 'app.wasm'), wasm);
  writeFileSync(join(appDir, 'static', 'big.txt'), bigFile);
  writeFileSync(join(appDir, 'static', 'small.txt'), 'small');
  writeFileSync(
    join(appDir, 'spin.toml'),
    `spin_manifest_version = 2
[application]
name = "layers"
[[trigger.http]]
route = "/..."
component = "web"
[component.web]
source = "app.wasm"
files = ["static/*"]
`,
  );
  return appDir;
}

/** Blobs served from memory, counting reads, as the shim serves them from containerd's content store. */
function inMemory(
  manifest: OciImageManifest,
  blobs: Map<string, Uint8Array>,
): ArtifactLayers & { reads: string[] } {
  const reads: string[] = [];
  return {
    manifest,
    reads,
    readBlob: (descriptor: OciDescriptor) => {
      reads.push(descriptor.digest);
      const bytes = blobs.get(descriptor.digest);
      return bytes ? Promise.resolve(bytes) : Promise.reject(new Error(`no blob ${descriptor.digest}`));
    },
  };
}

function blobsOf(artifact: AssembledApp): Map<string, Uint8Array> {
  return new Map([artifact.config, ...artifact.layers].map((blob) => [blob.descriptor.digest, blob.bytes]));
}

function descriptor(mediaType: string, bytes: Uint8Array): OciDescriptor {
  return { mediaType, digest: sha256Digest(bytes), size: bytes.length };
}

function imageManifest(layers: OciDescriptor[], config?: OciDescriptor): OciImageManifest {
  const emptyConfig = descriptor('application/vnd.oci.image.config.v1+json', Buffer.from('{}'));
  return { schemaVersion: 2, config: config ?? emptyConfig, layers };
}

describe('lockedAppFromLayers', () => {
  it('caches every layer by digest and points the app at the cache', async () => {
    const artifact = await assembleApp(await loadManifest(writeApp()));
    expect(artifact.layers.map((layer) => layer.descriptor.mediaType)).toEqual([
      SPIN_WASM_LAYER,
      'application/vnd.wasm.content.layer.v1+data',
      SPIN_LOCKED_APP,
    ]);
    const source = inMemory(artifact.manifest, blobsOf(artifact));
    const { app, lockedApp } = await lockedAppFromLayers(source, { cacheDir, origin: 'mem/layers:v1' });

    expect(lockedApp.components[0]?.files?.map((file) => file.path)).toEqual([
      'static/big.txt',
      'static/small.txt',
    ]);
    const web = app.components.get('web');
    if (web?.source.kind !== 'file') throw new Error('expected a file source');
    expect(web.source.path).toBe(join(cacheDir, 'registry', 'wasm', sha256Digest(wasm)));
    expect(readFileSync(web.source.path)).toEqual(wasm);
    const files = new Map(web.files.map((file) => [file.kind === 'glob' ? '' : file.destination, file]));
    const small = files.get('/static/small.txt');
    const big = files.get('/static/big.txt');
    expect(small?.kind === 'file' && readFileSync(small.source, 'utf8')).toBe('small');
    expect(big?.kind === 'file' && readFileSync(big.source)).toEqual(bigFile);
    expect(app.file).toBe('mem/layers:v1');
    expect(source.reads).toHaveLength(3);

    const again = inMemory(artifact.manifest, blobsOf(artifact));
    await lockedAppFromLayers(again, { cacheDir, origin: 'mem/layers:v1' });
    expect(again.reads).toEqual([]);
  });

  it('refuses a blob whose bytes do not match its digest, and caches nothing for it', async () => {
    const artifact = await assembleApp(await loadManifest(writeApp()));
    const blobs = blobsOf(artifact);
    const wasmDigest = artifact.layers[0]?.descriptor.digest ?? '';
    blobs.set(wasmDigest, Buffer.from('tampered'));
    const error = await failure(
      lockedAppFromLayers(inMemory(artifact.manifest, blobs), { cacheDir, origin: 'mem/x' }),
    );
    expect(error.code).toBe('OciDigestMismatch');
    expect(error.message).toMatch(`mem/x: blob ${wasmDigest}: content has digest`);
    expect(() => readFileSync(join(cacheDir, 'registry', 'wasm', wasmDigest))).toThrow();
  });

  it('refuses layers of unknown media types', async () => {
    const layer = descriptor('application/vnd.oci.image.layer.v1.tar+gzip', Buffer.from('x'));
    await expect(
      lockedAppFromLayers(inMemory(imageManifest([layer]), new Map()), { cacheDir, origin: 'img' }),
    ).rejects.toThrow(
      /img: layers\[0\] has media type "application\/vnd\.oci\.image\.layer\.v1\.tar\+gzip", which is not part of a Spin app/,
    );
  });

  it('refuses an artifact without a locked app', async () => {
    const layer = descriptor(SPIN_WASM_LAYER, wasm);
    await expect(
      lockedAppFromLayers(inMemory(imageManifest([layer]), new Map([[layer.digest, wasm]])), {
        cacheDir,
        origin: 'img',
      }),
    ).rejects.toThrow(
      /img: not a Spin app: no layer \(or config\) of media type application\/vnd\.fermyon\.spin\.application\.v1\+config/,
    );
  });

  it('serves a single-layer wkg package on every route', async () => {
    const layer = descriptor(WKG_WASM_LAYER, wasm);
    const { app } = await lockedAppFromLayers(
      inMemory(imageManifest([layer]), new Map([[layer.digest, wasm]])),
      {
        cacheDir,
        origin: 'ghcr.io/acme/Hello_World:1.0',
      },
    );
    expect(app.httpTriggers).toEqual([
      {
        id: 'trigger-hello-world',
        route: { kind: 'path', path: '/...' },
        component: 'hello-world',
        executor: { type: 'spin' },
      },
    ]);
    expect(app.components.get('hello-world')?.source).toEqual({
      kind: 'file',
      path: join(cacheDir, 'registry', 'wasm', layer.digest),
    });
    const two = imageManifest([layer, descriptor(SPIN_WASM_LAYER, wasm)]);
    await expect(lockedAppFromLayers(inMemory(two, new Map()), { cacheDir, origin: 'p' })).rejects.toThrow(
      /expected a single layer in a wasm package \(application\/wasm\), found 2 layers/,
    );
  });

  it('unpacks archive layers into the cache by each file digest', async () => {
    const files = { 'index.html': Buffer.alloc(500, 'h'), 'css/site.css': Buffer.alloc(300, 'c') };
    const tar = pack();
    for (const [name, bytes] of Object.entries(files)) tar.entry({ name, size: bytes.length }, bytes);
    tar.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of tar as AsyncIterable<Buffer>) chunks.push(chunk);
    const archive = gzipSync(Buffer.concat(chunks));
    const lock = serializeLockedApp({
      spin_lock_version: 0,
      metadata: { name: 'archived' },
      triggers: [{ id: 't', trigger_type: 'http', trigger_config: { component: 'web', route: '/...' } }],
      components: [
        {
          id: 'web',
          source: { content_type: 'application/wasm', digest: sha256Digest(wasm) },
          files: Object.entries(files).map(([path, bytes]) => ({ digest: sha256Digest(bytes), path })),
        },
      ],
    });
    const layers = [
      descriptor(SPIN_WASM_LAYER, wasm),
      descriptor(SPIN_ARCHIVE_LAYER, archive),
      descriptor(SPIN_LOCKED_APP, lock),
    ];
    const blobs = new Map([wasm, archive, lock].map((bytes) => [sha256Digest(bytes), bytes]));
    const { app } = await lockedAppFromLayers(inMemory(imageManifest(layers), blobs), {
      cacheDir,
      origin: 'arch',
    });
    const mounted = app.components.get('web')?.files ?? [];
    expect(
      mounted.map((file) =>
        file.kind === 'file' ? [file.destination, readFileSync(file.source).length] : [],
      ),
    ).toEqual([
      ['/index.html', 500],
      ['/css/site.css', 300],
    ]);
  });

  it('reads older artifacts that carry the lock as the manifest config', async () => {
    const lock = serializeLockedApp({
      spin_lock_version: 0,
      metadata: { name: 'old' },
      triggers: [{ id: 't', trigger_type: 'http', trigger_config: { component: 'c', route: '/' } }],
      components: [{ id: 'c', source: { content_type: 'application/wasm', digest: sha256Digest(wasm) } }],
    });
    const manifest = imageManifest([descriptor(SPIN_WASM_LAYER, wasm)], descriptor(SPIN_LOCKED_APP, lock));
    const blobs = new Map([wasm, lock].map((bytes) => [sha256Digest(bytes), bytes]));
    const { app } = await lockedAppFromLayers(inMemory(manifest, blobs), { cacheDir, origin: 'old' });
    expect(app.application.name).toBe('old');
  });

  it('names the lock field whose content is in no layer', async () => {
    const lock = serializeLockedApp({
      spin_lock_version: 0,
      metadata: { name: 'gap' },
      triggers: [],
      components: [
        {
          id: 'c',
          source: { content_type: 'application/wasm', digest: sha256Digest(wasm) },
          files: [{ digest: `sha256:${'d'.repeat(64)}`, path: 'x' }],
        },
      ],
    });
    const layers = [descriptor(SPIN_WASM_LAYER, wasm), descriptor(SPIN_LOCKED_APP, lock)];
    const blobs = new Map([wasm, lock].map((bytes) => [sha256Digest(bytes), bytes]));
    await expect(
      lockedAppFromLayers(inMemory(imageManifest(layers), blobs), { cacheDir, origin: 'gap' }),
    ).rejects.toThrow(
      /gap \(locked app\): components\[0\]\.files\[0\]: content sha256:d+ is not among the artifact's layers/,
    );
  });
});
