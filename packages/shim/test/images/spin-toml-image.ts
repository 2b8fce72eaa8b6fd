/**
 * A Spin app as an ordinary linux/amd64 image (what `docker build` of a `FROM scratch` Dockerfile with
 * spin.toml and the wasm makes): one tar layer with `/spin.toml`, each component's wasm at
 * `/<component id>.wasm`, and its files at their paths relative to the manifest. The shim runs such an
 * image from `/spin.toml` in the unpacked rootfs (no wasm layers: file mode).
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import {
  loadManifest,
  OCI_IMAGE_CONFIG,
  OCI_IMAGE_MANIFEST,
  resolveComponentFiles,
  type AppManifest,
} from '@spinkube/runtime';
import type { Containerd } from '../containerd/containerd-process.ts';
import { importImageTar, type ImportedImage } from './import-image.ts';
import { ociBlob } from './oci-blob.ts';
import { ociImageLayoutTar } from './oci-image-layout.ts';
import { rewriteComponentSources } from './spin-toml-sources.ts';
import { packTar, parentDirectories, type TarEntry } from './tar-archive.ts';

export const OCI_LAYER_TAR = 'application/vnd.oci.image.layer.v1.tar';

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
  const entries: TarEntry[] = [
    ...parentDirectories([...files.keys()]),
    ...[...files].map(([name, bytes]): TarEntry => ({ type: 'file', name, bytes })),
  ];
  const layer = ociBlob(await packTar(entries), OCI_LAYER_TAR);
  const config = ociBlob(
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: {},
        // Uncompressed, so the layer's digest is its diff id.
        rootfs: { type: 'layers', diff_ids: [layer.descriptor.digest] },
      }),
    ),
    OCI_IMAGE_CONFIG,
  );
  const manifest = ociBlob(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_IMAGE_MANIFEST,
        config: config.descriptor,
        layers: [layer.descriptor],
      }),
    ),
    OCI_IMAGE_MANIFEST,
  );
  const tar = await ociImageLayoutTar({ imageName, manifest, blobs: [config, layer] });
  const digest = manifest.descriptor.digest;
  await importImageTar(containerd, tar, { name: imageName, digest }, { unpack: true });
  return { name: imageName, digest, files };
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
