/**
 * cgroups a container leaves when its shim dies before `runc delete`, and the per-namespace parent runc
 * never removes (`/<namespace>` in every hierarchy). This machine has cgroup v1 hierarchies plus the v2
 * `unified` mount, so a path is removed from each (a pure v2 host has one). Only empty cgroups can be removed: rmdir fails on one
 * that still holds a process, which is the safety net.
 */
import { existsSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const CGROUP_ROOT = '/sys/fs/cgroup';

/** Removes `path` (e.g. `/ns/id`) and the cgroups below it from every hierarchy; returns those left. */
export function removeCgroup(path: string): string[] {
  if (path === '' || path === '/' || path.includes('..') || path.includes(':')) return [];
  const left: string[] = [];
  for (const hierarchy of hierarchies()) {
    const dir = join(CGROUP_ROOT, hierarchy, path);
    if (!isDirectory(dir)) continue;
    removeTree(dir);
    if (isDirectory(dir)) left.push(dir);
  }
  return left;
}

function removeTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) removeTree(join(dir, entry.name));
  }
  try {
    rmdirSync(dir);
  } catch {
    // Busy: a process still lives in it.
  }
}

/** cgroup v1 mounts one hierarchy per directory of /sys/fs/cgroup; a pure v2 host mounts one there. */
function hierarchies(): string[] {
  if (existsSync(join(CGROUP_ROOT, 'cgroup.controllers'))) return [''];
  try {
    return readdirSync(CGROUP_ROOT, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
