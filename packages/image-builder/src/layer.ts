/** An image layer: the tar of some entries, gzip-compressed unless asked otherwise, and its diff id. */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { ociBlob, OCI_LAYER_TAR, OCI_LAYER_TAR_GZIP, sha256Digest, type OciBlob } from '@spinkube/oci';
import { packTar, type PackOptions } from './pack-tar.js';
import type { TarEntry } from './tar-entry.js';

const gzipAsync = promisify(gzip);

export interface LayerOptions extends PackOptions {
  /** `false` stores the tar uncompressed (its digest is then its diff id). */
  readonly compress?: boolean;
  /** One line for the image's history (`created_by`). */
  readonly comment?: string;
}

export interface ImageLayer {
  readonly blob: OciBlob;
  /** Digest of the uncompressed tar: what the image config's `rootfs.diff_ids` lists. */
  readonly diffId: string;
  readonly comment: string;
}

export async function imageLayer(
  entries: readonly TarEntry[],
  options: LayerOptions = {},
): Promise<ImageLayer> {
  const tar = await packTar(entries, options);
  const compress = options.compress ?? true;
  // zlib writes no name and a zero mtime into the gzip header, so equal tars compress to equal bytes.
  const bytes = compress ? await gzipAsync(tar, { level: 9 }) : tar;
  return {
    blob: ociBlob(bytes, compress ? OCI_LAYER_TAR_GZIP : OCI_LAYER_TAR),
    diffId: sha256Digest(tar),
    comment: options.comment ?? `${String(entries.length)} entries`,
  };
}
