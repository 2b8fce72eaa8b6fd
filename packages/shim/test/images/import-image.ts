/** `ctr images import` of an OCI image layout tar into a harness containerd. */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Containerd } from '../containerd/containerd-process.ts';

export interface ImportedImage {
  readonly name: string;
  /** The image manifest's digest (`sha256:…`): the image's target in containerd. */
  readonly digest: string;
}

/**
 * Writes the tar into the instance's dir and imports it. `unpack: false` is for images containerd cannot
 * unpack (a Spin artifact's layers are not tars): `--all-platforms --no-unpack` then stores the content
 * only; otherwise the image is unpacked into the default (overlayfs) snapshotter.
 */
export async function importImageTar(
  containerd: Containerd,
  tar: Uint8Array,
  image: ImportedImage,
  options: { readonly unpack: boolean },
): Promise<ImportedImage> {
  const file = join(containerd.dir, `import-${image.digest.replace(/^sha256:/, '').slice(0, 16)}.tar`);
  await writeFile(file, tar);
  const flags = options.unpack ? [] : ['--all-platforms', '--no-unpack'];
  try {
    await containerd.ctrOk(['images', 'import', ...flags, file], { timeoutMs: 120_000 });
  } finally {
    await rm(file, { force: true });
  }
  return image;
}
