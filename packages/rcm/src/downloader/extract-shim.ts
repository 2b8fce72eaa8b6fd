/**
 * The shim binary out of a release archive (tar.gz): the regular file named `containerd-shim-<name>`, at
 * the top or in a directory (tar-stream reads the archive, Node's zlib inflates it). An archive without it
 * is refused with the names it does hold.
 */
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { basename } from 'node:path';
import { extract } from 'tar-stream';
import { InstallerError } from '../node-installer/installer-error.js';

export async function extractShim(archive: Uint8Array, shimName: string, location: string): Promise<Buffer> {
  const wanted = `containerd-shim-${shimName}`;
  const names: string[] = [];
  let found: Buffer | undefined;
  const entries = extract();
  Readable.from([Buffer.from(archive)])
    .pipe(createGunzip())
    .on('error', (error) => {
      entries.destroy(error);
    })
    .pipe(entries);
  try {
    for await (const entry of entries) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      names.push(entry.header.name);
      if (entry.header.type === 'file' && basename(entry.header.name) === wanted && !found)
        found = Buffer.concat(chunks);
    }
  } catch (error) {
    throw new InstallerError(
      'DownloadInvalid',
      `${location}: not a tar.gz archive (${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
  if (!found)
    throw new InstallerError(
      'DownloadInvalid',
      `${location}: the archive holds no ${wanted} (it holds: ${names.join(', ') || 'nothing'})`,
    );
  return found;
}
