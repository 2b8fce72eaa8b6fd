/** Unpacks a Go module zip (every entry under `<module>@<version>/`), hashing each file as it is written. */
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { DevCacheError } from '../errors.js';
import type { HashedZipEntry } from './module-zip-hash.js';

export interface ExtractOptions {
  /** The prefix every entry carries, removed on the way out (`golang.org/toolchain@v0.0.1-go1.27.3.linux-amd64/`). */
  readonly prefix: string;
  /** Mode for a file given its path below the prefix (executables need 0o755: zips from the proxy keep none). */
  readonly modeOf: (path: string) => number;
}

/** Writes the zip's files below `destDir` and returns each entry's name and sha256 for `goModuleZipHash`. */
export async function extractModuleZip(
  zipPath: string,
  destDir: string,
  options: ExtractOptions,
): Promise<HashedZipEntry[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true, autoClose: true }, (error, zipfile) => {
      if (error) reject(error);
      else resolve(zipfile);
    });
  });
  const hashed: HashedZipEntry[] = [];
  await new Promise<void>((resolve, reject) => {
    const fail = (error: unknown) => {
      zip.close();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    zip.on('error', fail);
    zip.on('end', () => {
      resolve();
    });
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName.endsWith('/')) {
        zip.readEntry();
        return;
      }
      if (!entry.fileName.startsWith(options.prefix)) {
        fail(
          new DevCacheError(
            'ChecksumMismatch',
            `${zipPath}: entry ${entry.fileName} lies outside ${options.prefix}`,
          ),
        );
        return;
      }
      const path = entry.fileName.slice(options.prefix.length);
      const target = join(destDir, path);
      mkdirSync(dirname(target), { recursive: true });
      zip.openReadStream(entry, (error, stream) => {
        if (error) {
          fail(error);
          return;
        }
        const hash = createHash('sha256');
        const hashing = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            hash.update(chunk);
            done(null, chunk);
          },
        });
        pipeline(stream, hashing, createWriteStream(target, { mode: options.modeOf(path) }))
          .then(() => {
            hashed.push({ name: entry.fileName, sha256Hex: hash.digest('hex') });
            zip.readEntry();
          })
          .catch(fail);
      });
    });
    zip.readEntry();
  });
  return hashed;
}
