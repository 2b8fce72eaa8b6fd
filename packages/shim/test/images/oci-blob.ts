/** A blob with its OCI descriptor, as image layouts and registries store it. */
import { createHash } from 'node:crypto';
import type { ArtifactBlob } from '@spinkube/runtime';

export function ociBlob(bytes: Uint8Array, mediaType: string): ArtifactBlob {
  return { descriptor: { mediaType, digest: sha256Digest(bytes), size: bytes.length }, bytes };
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
