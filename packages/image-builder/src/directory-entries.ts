/** Layer entries from a directory on disk: files with their permission bits, directories and symlinks. */
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { TarEntry } from './tar-entry.js';

export interface DirectoryEntriesOptions {
  /** Where the directory's content goes inside the image (`/` unless given). */
  readonly to?: string;
  /** Owner of every entry (root unless given): the files' owners on disk are not carried over. */
  readonly uid?: number;
  readonly gid?: number;
}

export async function directoryEntries(
  dir: string,
  options: DirectoryEntriesOptions = {},
): Promise<TarEntry[]> {
  const to = (options.to ?? '/').replace(/^\/+/, '');
  const owner = { uid: options.uid ?? 0, gid: options.gid ?? 0 };
  const entries: TarEntry[] = [];
  const walk = async (relative: string): Promise<void> => {
    for (const name of (await readdir(join(dir, relative))).sort()) {
      const rel = relative ? `${relative}/${name}` : name;
      const source = join(dir, rel);
      const path = posix.join(to, rel);
      const stats = await lstat(source);
      const mode = stats.mode & 0o7777;
      if (stats.isSymbolicLink())
        entries.push({ type: 'symlink', path, target: await readlink(source), ...owner });
      else if (stats.isDirectory()) {
        entries.push({ type: 'directory', path, mode, ...owner });
        await walk(rel);
      } else if (stats.isFile())
        entries.push({ type: 'file', path, bytes: await readFile(source), mode, ...owner });
      // Sockets, FIFOs and devices have no place in an image layer built from files; they are left out.
    }
  };
  await walk('');
  return entries;
}
