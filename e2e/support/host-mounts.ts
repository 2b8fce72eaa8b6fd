/**
 * What the host's mount table and /proc say about real nodes: the tests check that a node's mounts stay in
 * its own mount namespace and that nothing of it is left once it is stopped.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Mount points in a mountinfo text (the host's by default). */
export function mountPoints(mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string[] {
  return mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point !== '')
    .map((point) => point.replace(/\\040/g, ' '));
}

/**
 * Whether a mount namespace is pinned on the host: another cluster's node is running (another test run),
 * and keeps the mount points real nodes share (/opt/rcm) until it stops.
 */
export function mountNamespacePinned(): boolean {
  return /^\S+ \S+ \S+ mnt:\[\d+\] .* - nsfs /m.test(readFileSync('/proc/self/mountinfo', 'utf8'));
}

/** Live processes in the mount namespace `mnt:[<inode>]` (as `/proc/<pid>/ns/mnt` links to it). */
export function processesInMountNamespace(namespace: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return (
          readlinkSync(`/proc/${entry}/ns/mnt`) === namespace &&
          !(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1] ?? '').startsWith('Z')
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}
