/**
 * An OCI image layout as a tar (`oci-layout`, `index.json`, `blobs/sha256/…`): what `ctr images import`
 * reads. The index names the image twice: containerd takes `io.containerd.image.name` as the full name,
 * `org.opencontainers.image.ref.name` (the tag) is what other OCI tools read.
 */
import type { ArtifactBlob } from '@spinkube/runtime';
import { OCI_IMAGE_INDEX } from '@spinkube/runtime';
import { packTar, type TarEntry } from './tar-archive.ts';

export interface ImageLayoutContent {
  /** A full reference: `registry/repository:tag`. */
  readonly imageName: string;
  readonly manifest: ArtifactBlob;
  /** The config and layers; a blob listed twice is stored once. */
  readonly blobs: readonly ArtifactBlob[];
}

export async function ociImageLayoutTar(content: ImageLayoutContent): Promise<Buffer> {
  const index = {
    schemaVersion: 2,
    mediaType: OCI_IMAGE_INDEX,
    manifests: [
      {
        ...content.manifest.descriptor,
        annotations: {
          'io.containerd.image.name': content.imageName,
          'org.opencontainers.image.ref.name': tagOf(content.imageName),
        },
      },
    ],
  };
  const blobs = new Map<string, Uint8Array>();
  for (const blob of [...content.blobs, content.manifest]) blobs.set(blob.descriptor.digest, blob.bytes);
  const entries: TarEntry[] = [
    { type: 'file', name: 'oci-layout', bytes: Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })) },
    { type: 'file', name: 'index.json', bytes: Buffer.from(JSON.stringify(index)) },
    { type: 'directory', name: 'blobs/' },
    { type: 'directory', name: 'blobs/sha256/' },
    ...[...blobs].map(([digest, bytes]): TarEntry => ({
      type: 'file',
      name: `blobs/sha256/${digest.replace(/^sha256:/, '')}`,
      bytes,
    })),
  ];
  return packTar(entries);
}

/** The tag of `registry/repository:tag` (`latest` when there is none; a port is not a tag). */
export function tagOf(imageName: string): string {
  const lastSegment = imageName.slice(imageName.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  return colon === -1 ? 'latest' : lastSegment.slice(colon + 1);
}
