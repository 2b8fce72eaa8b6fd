/**
 * Mounts left under a directory: a container's overlay rootfs when its shim died before unmounting it,
 * snapshots of a killed containerd. They must go before the directory can be removed.
 */
import { readFileSync } from 'node:fs';
import { runCommand } from '@spinkube/test-cluster';

/** Unmounts everything under `dir`, deepest first; returns the mount points that are still there. */
export async function unmountUnder(dir: string): Promise<string[]> {
  for (let round = 0; round < 5; round++) {
    const mounts = mountPointsUnder(dir);
    if (mounts.length === 0) return [];
    for (const mountPoint of mounts) {
      const result = await runCommand('/usr/bin/umount', [mountPoint], { timeoutMs: 10_000 });
      // Busy (a process we could not kill still uses it): detach it so the directory can go at least.
      if (result.code !== 0)
        await runCommand('/usr/bin/umount', ['--lazy', mountPoint], { timeoutMs: 10_000 });
    }
  }
  return mountPointsUnder(dir);
}

/** Mount points under `dir` from /proc/self/mountinfo, deepest first. */
export function mountPointsUnder(dir: string): string[] {
  return parseMountPoints(readFileSync('/proc/self/mountinfo', 'utf8'))
    .filter((mountPoint) => mountPoint === dir || mountPoint.startsWith(`${dir}/`))
    .sort((a, b) => b.split('/').length - a.split('/').length || b.length - a.length);
}

/** The fifth field of each mountinfo line, with the kernel's octal escapes (`\040` for a space) decoded. */
export function parseMountPoints(mountinfo: string): string[] {
  return mountinfo
    .split('\n')
    .filter((line) => line !== '')
    .map((line) =>
      (line.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_, octal: string) =>
        String.fromCharCode(parseInt(octal, 8)),
      ),
    );
}
