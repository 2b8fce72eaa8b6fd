/** `spin registry push`: assembles a loaded app's artifact and uploads it; returns the manifest digest. */
import { withRuntimeErrors } from '../errors.js';
import type { AppManifest } from '../manifest/types.js';
import { assembleApp } from './assemble-app.js';
import {
  OCI_IMAGE_MANIFEST,
  parseReference,
  RegistryClient,
  type RegistryClientOptions,
} from '@spinkube/oci';

export interface PushOptions extends RegistryClientOptions {
  /** Extra manifest annotations; they win over the inferred title, version, description and authors. */
  readonly annotations?: Readonly<Record<string, string>>;
}

export function pushApp(
  manifest: AppManifest,
  reference: string,
  options: PushOptions = {},
): Promise<string> {
  return withRuntimeErrors(() => push(manifest, reference, options));
}

async function push(manifest: AppManifest, reference: string, options: PushOptions): Promise<string> {
  const target = parseReference(reference);
  const artifact = await assembleApp(manifest, options.annotations);
  const client = new RegistryClient(target.registry, target.repository, options);
  // Blobs first (the registry refuses a manifest whose blobs it lacks), one at a time to spare the registry.
  for (const blob of [...artifact.layers, artifact.config]) await client.pushBlob(blob.bytes);
  return client.putManifest(target.tag ?? artifact.digest, artifact.manifestBytes, OCI_IMAGE_MANIFEST);
}
