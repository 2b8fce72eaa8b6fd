/**
 * The bytes of a component's `source`: a file next to the manifest, or `{ url, digest }`, downloaded once
 * into the content-addressed cache (`<cache>/registry/wasm/<digest>`, shared with OCI pulls) and checked
 * against its digest, as Spin does. Errors name the manifest line and field.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { RuntimeError } from '../errors.js';
import { componentFieldLocation } from '../manifest/component-location.js';
import type { AppManifest, ComponentSpec } from '../manifest/types.js';
import { BlobCache } from '../oci/blob-cache.js';

export async function readComponentSource(
  manifest: AppManifest,
  spec: ComponentSpec,
  cacheDir: string,
): Promise<Uint8Array> {
  const where = componentFieldLocation(manifest, spec, 'source');
  const source = spec.source;
  if (source.kind === 'file') {
    const path = resolve(manifest.dir, source.path);
    try {
      return await readFile(path);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
      throw new RuntimeError('ComponentSourceMissing', `cannot read ${path}: ${reason}`, where, {
        cause: error,
      });
    }
  }
  if (source.kind === 'url') {
    const cache = new BlobCache(cacheDir);
    if (cache.has('wasm', source.digest)) return cache.read('wasm', source.digest);
    const bytes = await download(source.url, where);
    try {
      await cache.write('wasm', source.digest, bytes, source.url);
    } catch (error) {
      throw new RuntimeError(
        'ComponentSourceMissing',
        error instanceof Error ? error.message : String(error),
        where,
        { cause: error },
      );
    }
    return bytes;
  }
  throw new RuntimeError(
    'ComponentSourceUnsupported',
    `component registry sources (${source.package}@${source.version}) are not supported; use a file path, { url, digest }, or push the app to an OCI registry`,
    where,
  );
}

async function download(url: string, where: ReturnType<typeof componentFieldLocation>): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow' });
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? String(error);
    throw new RuntimeError('ComponentSourceMissing', `cannot download ${url}: ${cause}`, where, {
      cause: error,
    });
  }
  if (!response.ok) {
    throw new RuntimeError(
      'ComponentSourceMissing',
      `cannot download ${url}: HTTP ${String(response.status)} ${response.statusText}`,
      where,
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}
