/** `/proc/<pid>/mountinfo`, read the way teardown and the node's mount namespace need it. */
import { readFileSync } from 'node:fs';

export interface MountEntry {
  /** What of the filesystem is mounted (`/` for a whole one; `mnt:[<inode>]` for a pinned namespace). */
  readonly root: string;
  readonly mountPoint: string;
  readonly fsType: string;
}

/** Parses mountinfo text; octal escapes (`\040` for a space) are decoded. */
export function parseMountinfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    // Optional fields (shared:N, master:N) end at a lone "-"; the filesystem type follows it.
    const separator = fields.indexOf('-', 6);
    const [root, mountPoint] = [fields[3], fields[4]];
    const fsType = separator === -1 ? undefined : fields[separator + 1];
    if (root === undefined || mountPoint === undefined || fsType === undefined) continue;
    entries.push({ root: unescape(root), mountPoint: unescape(mountPoint), fsType });
  }
  return entries;
}

/** This process's mounts (the host's, for the test process and teardown). */
export function hostMounts(): MountEntry[] {
  return parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8'));
}

/** Mount points at or below `dir`, deepest first (the order to unmount them in). */
export function mountPointsBelow(entries: readonly MountEntry[], dir: string): string[] {
  return entries
    .map((entry) => entry.mountPoint)
    .filter((point) => point === dir || point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/** Mount namespaces pinned by a bind mount of their ns file (`mnt:[<inode>]` on nsfs), by inode. */
export function pinnedMountNamespaces(entries: readonly MountEntry[]): number[] {
  return entries.flatMap((entry) => {
    const inode = entry.fsType === 'nsfs' ? /^mnt:\[(\d+)\]$/.exec(entry.root)?.[1] : undefined;
    return inode === undefined ? [] : [Number(inode)];
  });
}

function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
