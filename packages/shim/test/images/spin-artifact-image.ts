/**
 * A Spin app as the artifact `spin registry push` publishes (wasm and data layers, the locked app, a
 * `wasm`/`wasip1` config), assembled by @spinkube/runtime and imported into a harness containerd as it
 * would arrive from a registry: content only, never unpacked.
 */
import { ociArchive } from '@spinkube/image-builder';
import { OCI_IMAGE_MANIFEST, type OciImageManifest } from '@spinkube/oci';
import { assembleApp, loadManifest } from '@spinkube/runtime';
import type { Containerd } from '../containerd/containerd-process.ts';
import { importImageTar, type ImportedImage } from './import-image.ts';

export interface SpinArtifactImage extends ImportedImage {
  readonly manifest: OciImageManifest;
}

/** `appDir` holds `spin.toml` (or is the manifest file); `imageName` is a full reference. */
export async function importSpinArtifact(
  containerd: Containerd,
  appDir: string,
  imageName: string,
): Promise<SpinArtifactImage> {
  const app = await assembleApp(await loadManifest(appDir));
  const tar = await ociArchive([
    {
      name: imageName,
      manifest: {
        descriptor: { mediaType: OCI_IMAGE_MANIFEST, digest: app.digest, size: app.manifestBytes.length },
        bytes: app.manifestBytes,
      },
      blobs: [app.config, ...app.layers],
    },
  ]);
  await importImageTar(containerd, tar, { name: imageName, digest: app.digest }, { unpack: false });
  return { name: imageName, digest: app.digest, manifest: app.manifest };
}
