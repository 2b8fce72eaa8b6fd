/**
 * What goes into a layer: files, directories and symlinks at paths inside the image. Paths are relative
 * (`usr/bin/x`; a leading `/` is dropped), never leave the root, and are checked here so that a bad path is
 * reported by name before any bytes are written.
 */
import { posix } from 'node:path';
import { ImageBuildError } from './errors.js';

interface Owned {
  /** Path inside the image. */
  readonly path: string;
  /** Permission bits; files 0644 and directories 0755 unless given. */
  readonly mode?: number;
  /** Owner; root (0:0) unless given. */
  readonly uid?: number;
  readonly gid?: number;
}

export type TarEntry =
  | (Owned & { readonly type: 'file'; readonly bytes: Uint8Array })
  | (Owned & { readonly type: 'directory' })
  | (Owned & { readonly type: 'symlink'; readonly target: string });

/** `path` as a clean relative path (`a/b`), or an error naming it. */
export function imagePath(path: string): string {
  const trimmed = path.replace(/^\/+/, '').replace(/\/+$/, '');
  const normal = posix.normalize(trimmed);
  if (trimmed === '' || normal === '.' || normal === '..' || normal.startsWith('../') || normal !== trimmed)
    throw new ImageBuildError(
      'EntryInvalid',
      `layer entry "${path}": not a clean path inside the image (no "..", "." or "//" parts, not the root)`,
    );
  return normal;
}

/**
 * The entries in a reproducible order: each path once (a later entry for the same path is an error), every
 * missing parent directory added (0755, root), sorted by path so that the input order never matters.
 */
export function normalizeEntries(entries: readonly TarEntry[]): TarEntry[] {
  const byPath = new Map<string, TarEntry>();
  for (const entry of entries) {
    const path = imagePath(entry.path);
    if (byPath.has(path)) throw new ImageBuildError('EntryInvalid', `layer entry "${path}" is given twice`);
    byPath.set(path, { ...entry, path });
  }
  for (const path of [...byPath.keys()]) {
    for (let parent = posix.dirname(path); parent !== '.'; parent = posix.dirname(parent)) {
      const existing = byPath.get(parent);
      if (existing && existing.type !== 'directory')
        throw new ImageBuildError(
          'EntryInvalid',
          `layer entry "${path}" is inside "${parent}", which is a ${existing.type}`,
        );
      if (!existing) byPath.set(parent, { type: 'directory', path: parent });
    }
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
