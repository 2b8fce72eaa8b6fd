/**
 * An OCI image layout as a tar (`oci-layout`, `index.json`, `blobs/sha256/…`): what `ctr images import`
 * and `kind load image-archive` read. Each image is named twice in index.json: containerd reads the full
 * reference from `io.containerd.image.name`, other OCI tools read the tag from
 * `org.opencontainers.image.ref.name`.
 */
import { OCI_IMAGE_INDEX, parseReference, type OciBlob } from '@spinkube/oci';
import { packTar } from './pack-tar.js';
import type { TarEntry } from './tar-entry.js';

export interface ArchivedImage {
  /** A full reference: `registry/repository:tag`. */
  readonly name: string;
  readonly manifest: OciBlob;
  /** The config and layers; a blob shared by several images is stored once. */
  readonly blobs: readonly OciBlob[];
}

export async function ociArchive(images: readonly ArchivedImage[]): Promise<Buffer> {
  const index = {
    schemaVersion: 2,
    mediaType: OCI_IMAGE_INDEX,
    manifests: images.map((image) => ({
      ...image.manifest.descriptor,
      annotations: {
        'io.containerd.image.name': image.name,
        'org.opencontainers.image.ref.name': tagOf(image.name),
      },
    })),
  };
  const blobs = new Map<string, Uint8Array>();
  for (const image of images) {
    for (const blob of [...image.blobs, image.manifest]) blobs.set(blob.descriptor.digest, blob.bytes);
  }
  const entries: TarEntry[] = [
    { type: 'file', path: 'oci-layout', bytes: Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })) },
    { type: 'file', path: 'index.json', bytes: Buffer.from(JSON.stringify(index)) },
    ...[...blobs].map(([digest, bytes]): TarEntry => ({
      type: 'file',
      path: `blobs/sha256/${digest.replace(/^sha256:/, '')}`,
      bytes,
    })),
  ];
  return packTar(entries);
}

/** The tag of `registry/repository:tag` (`latest` when there is none; a port is not a tag). */
export function tagOf(name: string): string {
  return parseReference(name).tag ?? 'latest';
}
