/**
 * Small images made from Debian's static busybox (`busybox-static`), built with @spinkube/image-builder:
 * the node's pause image, and ordinary (runc) workloads for tests. Nothing is pulled from the internet.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  buildImage,
  imageLayer,
  type BuiltImage,
  type RunConfig,
  type TarEntry,
} from '@spinkube/image-builder';
import { TestClusterError } from '../errors.js';

export const BUSYBOX_BINARY = '/bin/busybox';

/** The sandbox image: sleeps until the pod's sandbox is killed (containerd stops sandboxes with SIGKILL). */
export const PAUSE_IMAGE = { repository: 'spinkube/pause', tag: '1.0' } as const;

/** An image with `/bin/busybox` (each applet linked to it in /bin) and `files`, running `config`. */
export async function busyboxImage(config: RunConfig, files: readonly TarEntry[] = []): Promise<BuiltImage> {
  let busybox: Buffer;
  try {
    busybox = readFileSync(BUSYBOX_BINARY);
  } catch (error) {
    throw new TestClusterError(
      'BinaryMissing',
      `${BUSYBOX_BINARY} is missing: install Debian's busybox-static (scripts/setup-tests.sh does)`,
      { cause: error },
    );
  }
  const base = await imageLayer(
    [
      { type: 'file', path: 'bin/busybox', bytes: busybox, mode: 0o755 },
      // Every applet (sh, wget, nslookup, …) by its own name, as in the busybox image.
      ...applets().map((applet) => ({ type: 'symlink' as const, path: `bin/${applet}`, target: 'busybox' })),
      { type: 'directory', path: 'tmp', mode: 0o1777 },
    ],
    { comment: 'busybox (Debian busybox-static)' },
  );
  const layers = files.length ? [base, await imageLayer(files, { comment: 'files' })] : [base];
  return buildImage({ layers, config });
}

function applets(): string[] {
  return execFileSync(BUSYBOX_BINARY, ['--list'], { encoding: 'utf8' })
    .split('\n')
    .filter((name) => /^[\w.[-]+$/.test(name) && name !== 'busybox');
}

export function pauseImage(): Promise<BuiltImage> {
  return busyboxImage({ entrypoint: ['/bin/busybox', 'sleep', '2147483647'] });
}
