/**
 * The node's cgroup tree: `/<root>` in every hierarchy (this machine has cgroup v1 hierarchies plus the v2
 * `unified` mount; a pure v2 host has one). kubelet puts pods under it (its `cgroupRoot`), and every node
 * process (containerd and so its shims, kubelet, kube-proxy, CoreDNS) joins it, so teardown can find and
 * kill whatever the node left running by looking in one place.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

const CGROUP_ROOT = '/sys/fs/cgroup';

/** Creates `path` (e.g. `/spinkube-3/node`) in every hierarchy; cpuset's get their parent's CPUs and memory nodes. */
export function createCgroup(path: string): void {
  for (const hierarchy of hierarchies()) {
    let dir = join(CGROUP_ROOT, hierarchy);
    for (const part of segments(path)) {
      const parent = dir;
      dir = join(dir, part);
      if (!existsSync(dir)) mkdirSync(dir);
      // A new v1 cpuset has no CPUs or memory nodes, and refuses tasks until it has.
      for (const file of ['cpuset.cpus', 'cpuset.mems']) {
        const own = join(dir, file);
        if (existsSync(own) && readFileSync(own, 'utf8').trim() === '')
          writeFileSync(own, readFileSync(join(parent, file), 'utf8'));
      }
    }
  }
}

/** Moves a process into `path` in every hierarchy; its later children are born there. */
export function joinCgroup(pid: number, path: string): void {
  for (const hierarchy of hierarchies()) {
    const procs = join(CGROUP_ROOT, hierarchy, ...segments(path), 'cgroup.procs');
    if (existsSync(procs)) writeFileSync(procs, String(pid));
  }
}

/** Every process in `path` and below, in any hierarchy. */
export function cgroupProcesses(path: string): number[] {
  const pids = new Set<number>();
  for (const hierarchy of hierarchies()) collect(join(CGROUP_ROOT, hierarchy, ...segments(path)), pids);
  return [...pids];
}

/** Removes `path` and every cgroup below it from every hierarchy; returns those that are still there (busy). */
export function removeCgroup(path: string): string[] {
  // Not a path below the root (e.g. a systemd-style `slice:prefix:name`): nothing of ours to remove.
  if (path.includes(':') || !isBelowRoot(path)) return [];
  const left: string[] = [];
  for (const hierarchy of hierarchies()) {
    const dir = join(CGROUP_ROOT, hierarchy, ...segments(path));
    if (!isDirectory(dir)) continue;
    removeTree(dir);
    if (isDirectory(dir)) left.push(dir);
  }
  return left;
}

function isBelowRoot(path: string): boolean {
  try {
    segments(path);
    return true;
  } catch {
    return false;
  }
}

function segments(path: string): string[] {
  const parts = path.split('/').filter((part) => part !== '');
  if (parts.length === 0 || parts.some((part) => part === '..' || part === '.'))
    throw new Error(`not a cgroup path below the root: "${path}"`);
  return parts;
}

function collect(dir: string, pids: Set<number>): void {
  if (!isDirectory(dir)) return;
  try {
    for (const line of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n'))
      if (line.trim() !== '') pids.add(Number(line));
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      if (entry.isDirectory()) collect(join(dir, entry.name), pids);
  } catch {
    // Removed while we looked.
  }
}

function removeTree(dir: string): void {
  try {
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      if (entry.isDirectory()) removeTree(join(dir, entry.name));
    rmdirSync(dir);
  } catch {
    // Busy: a process still lives in it; the caller reports what is left.
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
