/** A blob with its OCI descriptor, as registries, image layouts and content stores keep it. */
import { sha256Digest } from './digest.js';
import type { OciDescriptor } from './image-manifest.js';

export interface OciBlob {
  readonly descriptor: OciDescriptor;
  readonly bytes: Uint8Array;
}

export function ociBlob(bytes: Uint8Array, mediaType: string): OciBlob {
  return { descriptor: { mediaType, digest: sha256Digest(bytes), size: bytes.length }, bytes };
}

/** A JSON document (manifest, index, config) as a blob: compact JSON, so its digest is reproducible. */
export function jsonBlob(value: unknown, mediaType: string): OciBlob {
  return ociBlob(Buffer.from(JSON.stringify(value)), mediaType);
}
