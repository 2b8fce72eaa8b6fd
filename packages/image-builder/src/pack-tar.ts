/**
 * A tar archive in memory (tar-stream) whose bytes depend only on the entries: sorted entries, one fixed
 * mtime, numeric owners with no user or group names. The same files always give the same layer digest.
 */
import { pack, type Header } from 'tar-stream';
import { normalizeEntries, type TarEntry } from './tar-entry.js';

type HeaderArgument = Parameters<ReturnType<typeof pack>['entry']>[0];

export interface PackOptions {
  /** Modification time of every entry; the Unix epoch unless given (e.g. from SOURCE_DATE_EPOCH). */
  readonly mtime?: Date;
}

export async function packTar(entries: readonly TarEntry[], options: PackOptions = {}): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of archive) chunks.push(chunk as Buffer);
  })();
  const mtime = options.mtime ?? new Date(0);
  for (const entry of normalizeEntries(entries)) {
    const common: CommonHeader = { mtime, uid: entry.uid ?? 0, gid: entry.gid ?? 0, uname: '', gname: '' };
    const [header, body] = tarHeader(entry, common);
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null): void => {
        if (error) reject(error);
        else resolve();
      };
      if (body) archive.entry(header, body, done);
      else archive.entry(header, done);
    });
  }
  archive.finalize();
  await collected;
  return Buffer.concat(chunks);
}

type CommonHeader = Pick<Header, 'mtime' | 'uid' | 'gid' | 'uname' | 'gname'>;

function tarHeader(entry: TarEntry, common: CommonHeader): [HeaderArgument, Buffer | undefined] {
  switch (entry.type) {
    case 'file':
      return [
        { ...common, name: entry.path, type: 'file', mode: entry.mode ?? 0o644 },
        Buffer.from(entry.bytes),
      ];
    case 'directory':
      return [{ ...common, name: `${entry.path}/`, type: 'directory', mode: entry.mode ?? 0o755 }, undefined];
    case 'symlink':
      return [
        { ...common, name: entry.path, type: 'symlink', linkname: entry.target, mode: entry.mode ?? 0o777 },
        undefined,
      ];
  }
}
