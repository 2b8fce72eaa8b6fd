/**
 * A shim's release archive as an OCI artifact, for clusters that cannot reach GitHub: one layer (the very
 * tar.gz, so its sha256 is the archive's) under an empty config, pushed with @spinkube/oci. The downloader
 * takes an `oci://` location's first layer as the archive.
 */
import { createHash } from 'node:crypto';
import {
  OCI_IMAGE_MANIFEST,
  parseReference,
  RegistryClient,
  type RegistryClientOptions,
} from '@spinkube/oci';

export const SHIM_ARTIFACT_TYPE = 'application/vnd.spinkube.shim.v1';
export const SHIM_ARCHIVE_LAYER = 'application/vnd.spinkube.shim.layer.v1.tar+gzip';
const EMPTY_CONFIG = 'application/vnd.oci.empty.v1+json';

export interface PushedShimArtifact {
  readonly reference: string;
  readonly digest: string;
  /** The layer's (and so the archive's) sha256. */
  readonly sha256: string;
}

export async function pushShimArtifact(
  archive: { readonly fileName: string; readonly bytes: Uint8Array },
  reference: string,
  options: RegistryClientOptions = {},
): Promise<PushedShimArtifact> {
  const target = parseReference(reference);
  if (!target.tag) throw new Error(`${reference}: name a tag to push the shim artifact under`);
  const client = new RegistryClient(target.registry, target.repository, options);
  const config = Buffer.from('{}');
  const layer = await client.pushBlob(archive.bytes);
  const configBlob = await client.pushBlob(config);
  const sha256 = createHash('sha256').update(archive.bytes).digest('hex');
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_IMAGE_MANIFEST,
      artifactType: SHIM_ARTIFACT_TYPE,
      config: { mediaType: EMPTY_CONFIG, digest: configBlob.digest, size: config.length },
      layers: [
        {
          mediaType: SHIM_ARCHIVE_LAYER,
          digest: layer.digest,
          size: archive.bytes.length,
          annotations: { 'org.opencontainers.image.title': archive.fileName },
        },
      ],
    }),
  );
  const digest = await client.putManifest(target.tag, manifest, OCI_IMAGE_MANIFEST);
  return { reference: `oci://${reference}`, digest, sha256 };
}
