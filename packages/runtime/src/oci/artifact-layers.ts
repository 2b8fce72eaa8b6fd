/**
 * A Spin artifact's layers as a runnable app: each layer is stored in the content-addressed cache (wasm
 * under `wasm/`, files, archives' files and the lock under `data/`), the locked app is read, inline
 * content is written out, and the lock becomes an `AppManifest` whose paths point into the cache.
 *
 * The reader of the blobs is a parameter so the registry pull and the containerd shim (which reads
 * layers from containerd's content store) share this code; it is only asked for blobs the cache lacks,
 * and whatever it returns is verified against the descriptor's digest before it is used.
 */
import { RuntimeError, withRuntimeErrors } from '../errors.js';
import type { AppManifest } from '../manifest/types.js';
import { appManifestFromLockedApp } from './app-from-lock.js';
import { unpackArchiveLayer } from './archive-layer.js';
import { BlobCache, type BlobKind } from './blob-cache.js';
import {
  verifyDigest,
  SPIN_ARCHIVE_LAYER,
  SPIN_LOCKED_APP,
  SPIN_WASM_LAYER,
  SUPPORTED_LAYERS,
  WKG_WASM_LAYER,
  type OciDescriptor,
  type OciImageManifest,
} from '@spinkube/oci';
import { contentDigest, inlineBytes, parseLockedApp, type ContentRef, type LockedApp } from './locked-app.js';

export interface ArtifactLayers {
  /** The image manifest (not an index). */
  readonly manifest: OciImageManifest;
  /** Reads a blob by descriptor: a layer, or the config of older artifacts that carry the lock there. */
  readBlob(descriptor: OciDescriptor): Promise<Uint8Array>;
}

export interface ArtifactLayersOptions {
  /** The cache root; content goes to `<cacheDir>/registry/{wasm,data}/<digest>`. */
  readonly cacheDir: string;
  /** Names the artifact in errors and becomes `AppManifest.file` (e.g. the reference). */
  readonly origin: string;
  /** How many blobs to read at once (default 8). */
  readonly concurrency?: number;
}

export interface OciApp {
  readonly lockedApp: LockedApp;
  readonly app: AppManifest;
}

export function lockedAppFromLayers(
  artifact: ArtifactLayers,
  options: ArtifactLayersOptions,
): Promise<OciApp> {
  return withRuntimeErrors(() => fromLayers(artifact, options));
}

async function fromLayers(artifact: ArtifactLayers, options: ArtifactLayersOptions): Promise<OciApp> {
  const cache = new BlobCache(options.cacheDir);
  const { manifest } = artifact;
  const { origin } = options;
  manifest.layers.forEach((layer, index) => {
    if (!(SUPPORTED_LAYERS as readonly string[]).includes(layer.mediaType)) {
      throw artifactError(
        origin,
        `layers[${String(index)}] has media type "${layer.mediaType}", which is not part of a Spin app; expected one of: ${SUPPORTED_LAYERS.join(', ')}`,
      );
    }
  });
  const store = async (kind: BlobKind, descriptor: OciDescriptor): Promise<void> => {
    if (cache.has(kind, descriptor.digest)) return;
    const bytes = await artifact.readBlob(descriptor);
    await cache.write(kind, descriptor.digest, bytes, `${origin}: blob ${descriptor.digest}`);
  };

  // The archive is stored after its files, so a cached archive means they are all there.
  const storeArchive = async (descriptor: OciDescriptor): Promise<void> => {
    if (cache.has('data', descriptor.digest)) return;
    const archive = await artifact.readBlob(descriptor);
    const what = `${origin}: archive layer ${descriptor.digest}`;
    verifyDigest(archive, descriptor.digest, what);
    await unpackArchiveLayer(archive, cache, what);
    await cache.write('data', descriptor.digest, archive, what);
  };

  if (manifest.layers.some((layer) => layer.mediaType === WKG_WASM_LAYER)) {
    const [layer, ...others] = manifest.layers;
    if (!layer || others.length > 0) {
      throw artifactError(
        origin,
        `expected a single layer in a wasm package (${WKG_WASM_LAYER}), found ${String(manifest.layers.length)} layers`,
      );
    }
    await store('wasm', layer);
    return fromLock(packageLock(origin, layer.digest), cache, origin);
  }

  const lockDescriptor =
    manifest.layers.find((layer) => layer.mediaType === SPIN_LOCKED_APP) ??
    (manifest.config.mediaType === SPIN_LOCKED_APP ? manifest.config : undefined);
  if (!lockDescriptor) {
    throw artifactError(origin, `not a Spin app: no layer (or config) of media type ${SPIN_LOCKED_APP}`);
  }
  const blobs = [...manifest.layers, ...(lockDescriptor === manifest.config ? [manifest.config] : [])];
  await forEachLimited(blobs, options.concurrency ?? 8, async (descriptor) => {
    switch (descriptor.mediaType) {
      case SPIN_WASM_LAYER:
        return store('wasm', descriptor);
      case SPIN_ARCHIVE_LAYER:
        return storeArchive(descriptor);
      default:
        return store('data', descriptor);
    }
  });
  const lock = parseLockedApp(await cache.read('data', lockDescriptor.digest), `${origin} (locked app)`);
  return fromLock(lock, cache, origin);
}

/** Writes out inline content, checks the rest is cached, and converts the lock. */
async function fromLock(lock: LockedApp, cache: BlobCache, origin: string): Promise<OciApp> {
  const where = `${origin} (locked app)`;
  const place = async (kind: BlobKind, content: ContentRef, field: string): Promise<void> => {
    const digest = contentDigest(content);
    if (cache.has(kind, digest)) return;
    if (content.inline === undefined) {
      throw new RuntimeError('OciArtifactInvalid', `content ${digest} is not among the artifact's layers`, {
        file: where,
        field,
      });
    }
    await cache.write(kind, digest, inlineBytes(content), `${where}: ${field}.inline`);
  };
  for (const [index, component] of lock.components.entries()) {
    const path = `components[${String(index)}]`;
    await place('wasm', component.source, `${path}.source`);
    for (const [fileIndex, file] of (component.files ?? []).entries()) {
      await place('data', file, `${path}.files[${String(fileIndex)}]`);
    }
  }
  const app = appManifestFromLockedApp(lock, {
    file: origin,
    dir: cache.root,
    wasmPath: (digest) => cache.path('wasm', digest),
    dataPath: (digest) => cache.path('data', digest),
  });
  return { lockedApp: lock, app };
}

/** A `wkg` package is one component; like Spin, serve it on every path. */
function packageLock(origin: string, digest: string): LockedApp {
  const name = origin.split('@')[0]?.split('/').pop()?.split(':')[0] ?? '';
  const id =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^[^a-z]+|-+$/g, '') || 'component';
  return {
    spin_lock_version: 0,
    metadata: { name: id, authors: [] },
    triggers: [
      { id: `trigger-${id}`, trigger_type: 'http', trigger_config: { component: id, route: '/...' } },
    ],
    components: [{ id, source: { content_type: 'application/wasm', digest } }],
  };
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

function artifactError(origin: string, message: string): RuntimeError {
  return new RuntimeError('OciArtifactInvalid', `${origin}: ${message}`);
}
