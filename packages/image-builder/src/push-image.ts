/**
 * Uploads an image to a registry: layers and config first (a registry refuses a manifest whose blobs it
 * lacks), each only when the registry does not have it yet, then the manifest under the reference's tag.
 */
import {
  OCI_IMAGE_MANIFEST,
  parseReference,
  RegistryClient,
  type RegistryClientOptions,
} from '@spinkube/oci';
import type { BuiltImage } from './build-image.js';

export interface PushedImage {
  /** The manifest's digest as the registry reports it. */
  readonly digest: string;
  /** Blobs (layers and config) that were uploaded; the others were there already. */
  readonly uploadedBlobs: number;
}

export async function pushImage(
  image: BuiltImage,
  reference: string,
  options: RegistryClientOptions = {},
): Promise<PushedImage> {
  const target = parseReference(reference);
  const client = new RegistryClient(target.registry, target.repository, options);
  let uploadedBlobs = 0;
  for (const blob of [...image.layers, image.config]) {
    if ((await client.pushBlob(blob.bytes)).uploaded) uploadedBlobs++;
  }
  const digest = await client.putManifest(
    target.tag ?? image.digest,
    image.manifest.bytes,
    OCI_IMAGE_MANIFEST,
  );
  return { digest, uploadedBlobs };
}
