/**
 * Directories the node mounts over that the host lacks (`/opt/rcm` on most machines, `/etc/containerd` on
 * some): a bind mount needs its target to exist, and the node shares the host's filesystem, so they are
 * made on the host. Each one made is marked in /run/spinkube-test-cluster/mount-points, so the last node to
 * go removes it whichever node made it (two clusters may overlap), and a directory the host had is never
 * removed. A directory is removed only when empty: anything in it is someone else's.
 */
import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const MARKERS = '/run/spinkube-test-cluster/mount-points';

/** Creates `path` and any missing parent, marking each one created (marked first: no unmarked leftover). */
export function ensureMountPoint(path: string, markers = MARKERS): void {
  const missing: string[] = [];
  for (let dir = path; !existsSync(dir); dir = dirname(dir)) missing.unshift(dir);
  for (const dir of missing) {
    mkdirSync(markers, { recursive: true });
    writeFileSync(markerOf(dir, markers), `${dir}\n`);
    mkdirSync(dir, { recursive: true });
  }
}

/**
 * Removes the marked directories among `paths` and their parents, deepest first, each when empty. Call it
 * once no node namespace is left that could mount them (they are shared by every node on the host).
 */
export function releaseMountPoints(paths: readonly string[], markers = MARKERS): void {
  const candidates = new Set<string>();
  for (const path of paths)
    for (let dir = path; dir !== dirname(dir); dir = dirname(dir)) candidates.add(dir);
  for (const dir of [...candidates].sort((a, b) => b.length - a.length)) {
    const marker = markerOf(dir, markers);
    if (!existsSync(marker)) continue;
    try {
      rmdirSync(dir);
    } catch (error) {
      // Not empty: its content is not the node's (the node wrote into its own directory, mounted over it).
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') continue;
    }
    rmSync(marker, { force: true });
  }
  removeIfEmpty(markers);
  removeIfEmpty(dirname(markers));
}

function markerOf(dir: string, markers: string): string {
  return join(markers, encodeURIComponent(dir));
}

function removeIfEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // Gone already, or filled meanwhile by a node that just started.
  }
}
