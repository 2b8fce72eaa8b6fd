/**
 * A Spin app as an ordinary linux/amd64 image (what `docker build` of a `FROM scratch` Dockerfile with
 * spin.toml and the wasm makes): one tar layer with `/spin.toml`, each component's wasm at
 * `/<component id>.wasm`, and its files at their paths relative to the manifest. The shim runs such an
 * image from `/spin.toml` in the unpacked rootfs (no wasm layers: file mode).
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { buildImage, imageLayer, ociArchive, type TarEntry } from '@spinkube/image-builder';
import { loadManifest, resolveComponentFiles, type AppManifest } from '@spinkube/runtime';
import type { Containerd } from '../containerd/containerd-process.ts';
import { importImageTar, type ImportedImage } from './import-image.ts';
import { rewriteComponentSources } from './spin-toml-sources.ts';

export interface SpinTomlImage extends ImportedImage {
  /** The image's files by path inside it (`spin.toml`, `tiny-hello.wasm`, …), spin.toml as written. */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

export async function importSpinTomlImage(
  containerd: Containerd,
  appDir: string,
  imageName: string,
): Promise<SpinTomlImage> {
  const files = await spinTomlImageFiles(await loadManifest(appDir));
  const entries = [...files].map(([path, bytes]): TarEntry => ({ type: 'file', path, bytes }));
  // Uncompressed, as `docker build` of a scratch image stores it locally.
  const image = buildImage({ layers: [await imageLayer(entries, { compress: false })] });
  const tar = await ociArchive([
    { name: imageName, manifest: image.manifest, blobs: [image.config, ...image.layers] },
  ]);
  await importImageTar(containerd, tar, { name: imageName, digest: image.digest }, { unpack: true });
  return { name: imageName, digest: image.digest, files };
}

/** The image's files: a rewritten spin.toml, the wasm of each component, and every mounted file. */
export async function spinTomlImageFiles(manifest: AppManifest): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const sources = new Map<string, string>();
  for (const spec of manifest.components.values()) {
    if (spec.source.kind !== 'file')
      throw new Error(
        `${manifest.file}: component ${spec.id} has a ${spec.source.kind} source; build it to a file`,
      );
    const imagePath = `${spec.id}.wasm`;
    sources.set(spec.source.path, imagePath);
    files.set(imagePath, await readFile(resolve(manifest.dir, spec.source.path)));
    for (const file of await resolveComponentFiles(manifest, spec)) {
      const path = relative(manifest.dir, file.hostPath);
      if (path.startsWith('..') || isAbsolute(path))
        throw new Error(
          `${manifest.file}: component ${spec.id} mounts ${file.hostPath}, outside the app directory`,
        );
      files.set(path.split(sep).join('/'), await readFile(file.hostPath));
    }
  }
  const toml = await readFile(manifest.file, 'utf8');
  files.set('spin.toml', Buffer.from(rewriteComponentSources(toml, sources, manifest.file)));
  return files;
}
