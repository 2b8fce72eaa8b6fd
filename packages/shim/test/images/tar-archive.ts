/**
 * Tar archives in memory, with tar-stream: image layers and OCI image layouts. Every entry gets mtime 0
 * and uid/gid 0, so the same content always makes the same bytes and so the same digest.
 */
import { pack } from 'tar-stream';

export type TarEntry =
  | { readonly type: 'file'; readonly name: string; readonly bytes: Uint8Array; readonly mode?: number }
  | { readonly type: 'directory'; readonly name: string; readonly mode?: number };

export async function packTar(entries: readonly TarEntry[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of archive) chunks.push(chunk as Buffer);
  })();
  for (const entry of entries) {
    const header = { name: entry.name, mtime: new Date(0), uid: 0, gid: 0, uname: 'root', gname: 'root' };
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null): void => (error ? reject(error) : resolve());
      if (entry.type === 'directory')
        archive.entry({ ...header, type: 'directory', mode: entry.mode ?? 0o755 }, done);
      else
        archive.entry({ ...header, type: 'file', mode: entry.mode ?? 0o644 }, Buffer.from(entry.bytes), done);
    });
  }
  archive.finalize();
  await collected;
  return Buffer.concat(chunks);
}

/** Directory entries for every parent of `paths` (`a/b/c` → `a/`, `a/b/`), parents first, each once. */
export function parentDirectories(paths: readonly string[]): TarEntry[] {
  const dirs = new Set<string>();
  for (const path of paths) {
    const parts = path.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(`${parts.slice(0, i).join('/')}/`);
  }
  return [...dirs].sort().map((name) => ({ type: 'directory', name }));
}
