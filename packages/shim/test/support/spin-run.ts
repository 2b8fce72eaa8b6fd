/** `ctr run` command lines for Spin tasks in a harness containerd, as the tests and the benchmark start them. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Containerd } from '../containerd/containerd-process.ts';

export const SPIN_RUNTIME = 'io.containerd.spin.v2';

/**
 * `run [-d] --runtime io.containerd.spin.v2 --fifo-dir … --with-ns network:<netns> ...rest`, where `rest`
 * holds the other flags, then the image (or `--rootfs DIR`), the id and the args.
 */
export function spinRunArgs(
  containerd: Containerd,
  netnsPath: string,
  rest: readonly string[],
  { detach = true }: { readonly detach?: boolean } = {},
): string[] {
  return [
    'run',
    ...(detach ? ['-d'] : []),
    '--runtime',
    SPIN_RUNTIME,
    '--fifo-dir',
    containerd.fifoDir,
    '--with-ns',
    `network:${netnsPath}`,
    ...rest,
  ];
}

/**
 * The run of an image containerd cannot unpack (a Spin artifact): an empty rootfs under `dir`, the image
 * named by annotation, which is how the shim finds it in the content store.
 */
export async function artifactRunArgs(
  containerd: Containerd,
  netnsPath: string,
  id: string,
  image: string,
  dir: string,
): Promise<string[]> {
  const rootfs = join(dir, 'rootfs', id);
  await mkdir(rootfs, { recursive: true });
  return spinRunArgs(containerd, netnsPath, [
    '--annotation',
    `io.containerd.image.name=${image}`,
    '--rootfs',
    rootfs,
    id,
    '/',
  ]);
}
