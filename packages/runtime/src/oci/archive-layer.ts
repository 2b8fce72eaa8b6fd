/**
 * Archive layers (`application/vnd.wasm.content.bundle.v1.tar+gzip`): a tar+gzip of a component's files.
 * The lock still names each file by digest, so every file in the archive is stored in the cache's data
 * directory under its own digest. Read with tar-stream.
 */
import { Readable } from 'node:stream';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { extract } from 'tar-stream';
import { RuntimeError } from '../errors.js';
import type { BlobCache } from './blob-cache.js';
import { sha256Digest } from '@spinkube/oci';

const gunzipAsync = promisify(gunzip);

/** Stores every regular file of the archive in the cache; returns how many there were. */
export async function unpackArchiveLayer(
  archive: Uint8Array,
  cache: BlobCache,
  what: string,
): Promise<number> {
  let tar: Buffer;
  try {
    tar = await gunzipAsync(archive);
  } catch (error) {
    throw new RuntimeError('OciArtifactInvalid', `${what}: not a gzip archive: ${String(error)}`, undefined, {
      cause: error,
    });
  }
  const entries = extract();
  Readable.from([tar]).pipe(entries);
  let count = 0;
  try {
    for await (const entry of entries) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry as AsyncIterable<Buffer>) chunks.push(chunk);
      if (entry.header.type !== 'file') continue;
      const bytes = Buffer.concat(chunks);
      const digest = sha256Digest(bytes);
      if (!cache.has('data', digest)) await cache.write('data', digest, bytes);
      count++;
    }
  } catch (error) {
    if (error instanceof RuntimeError) throw error;
    throw new RuntimeError('OciArtifactInvalid', `${what}: not a tar archive: ${String(error)}`, undefined, {
      cause: error,
    });
  }
  return count;
}
