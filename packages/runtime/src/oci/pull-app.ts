/**
 * `spin registry pull` plus loading: resolves a reference to an image manifest (following an image index
 * to its wasm entry), then lets `lockedAppFromLayers` fill the cache and convert the lock. A tag is always
 * resolved again; a digest whose manifest is cached, and every cached blob, needs no network.
 */
import { RuntimeError, withRuntimeErrors } from '../errors.js';
import type { AppManifest } from '../manifest/types.js';
import { lockedAppFromLayers, type OciApp } from './artifact-layers.js';
import { BlobCache } from './blob-cache.js';
import {
  parseManifestBytes,
  selectWasmManifest,
  parseReference,
  RegistryClient,
  type OciImageManifest,
  type OciReference,
  type RegistryClientOptions,
} from '@spinkube/oci';

export interface PullOptions extends RegistryClientOptions {
  /** Cache root: `<cacheDir>/registry/{manifests,wasm,data}/<digest>`. */
  readonly cacheDir: string;
}

export interface PulledApp extends OciApp {
  /** Digest of the image manifest that was loaded. */
  readonly digest: string;
}

/** The app at `reference`, with component sources and files in the cache. */
export async function pullApp(reference: string, options: PullOptions): Promise<AppManifest> {
  return (await pullOciApp(reference, options)).app;
}

/** Like `pullApp`, with the locked app and the manifest digest. */
export function pullOciApp(reference: string, options: PullOptions): Promise<PulledApp> {
  return withRuntimeErrors(() => pull(reference, options));
}

async function pull(reference: string, options: PullOptions): Promise<PulledApp> {
  const target = parseReference(reference);
  const cache = new BlobCache(options.cacheDir);
  const client = new RegistryClient(target.registry, target.repository, options);
  const { manifest, digest } = await resolveManifest(target, reference, client, cache);
  const app = await lockedAppFromLayers(
    { manifest, readBlob: (descriptor) => client.getBlob(descriptor.digest) },
    { cacheDir: options.cacheDir, origin: reference },
  );
  return { ...app, digest };
}

async function resolveManifest(
  target: OciReference,
  reference: string,
  client: RegistryClient,
  cache: BlobCache,
): Promise<{ manifest: OciImageManifest; digest: string }> {
  let { digest, bytes } = await manifestBytes(target.digest ?? target.tag ?? 'latest', client, cache);
  let parsed = parseManifestBytes(bytes, reference);
  if (parsed.kind === 'index') {
    ({ digest, bytes } = await manifestBytes(
      selectWasmManifest(parsed.index, reference).digest,
      client,
      cache,
    ));
    parsed = parseManifestBytes(bytes, `${reference} (${digest})`);
    if (parsed.kind === 'index') {
      throw new RuntimeError(
        'OciArtifactInvalid',
        `${reference}: the index's wasm entry ${digest} is another index`,
      );
    }
  }
  return { manifest: parsed.manifest, digest };
}

/** A manifest by digest from the cache, else from the registry (and then cached by its digest). */
async function manifestBytes(
  tagOrDigest: string,
  client: RegistryClient,
  cache: BlobCache,
): Promise<{ digest: string; bytes: Uint8Array }> {
  if (tagOrDigest.includes(':') && cache.has('manifests', tagOrDigest)) {
    return { digest: tagOrDigest, bytes: await cache.read('manifests', tagOrDigest) };
  }
  const fetched = await client.getManifest(tagOrDigest);
  if (!cache.has('manifests', fetched.digest)) await cache.write('manifests', fetched.digest, fetched.bytes);
  return { digest: fetched.digest, bytes: fetched.bytes };
}
