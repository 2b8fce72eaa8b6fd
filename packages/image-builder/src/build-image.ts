/**
 * An OCI image from layers and a run config: config blob, image manifest (with optional annotations) and
 * the index that names it for its platform. Nothing is written anywhere; `ociArchive` and `pushImage`
 * take the result.
 */
import {
  jsonBlob,
  OCI_IMAGE_CONFIG,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
  type OciBlob,
  type OciPlatform,
} from '@spinkube/oci';
import { imageConfig, LINUX_AMD64, type RunConfig } from './image-config.js';
import type { ImageLayer } from './layer.js';

export interface ImageSpec {
  /** Bottom layer first. */
  readonly layers: readonly ImageLayer[];
  readonly config?: RunConfig;
  readonly platform?: OciPlatform;
  /** Manifest annotations (e.g. `openContainersLabels(...)`). */
  readonly annotations?: Readonly<Record<string, string>>;
  /** The config's `created`; the Unix epoch unless given. */
  readonly created?: Date;
}

export interface BuiltImage {
  readonly config: OciBlob;
  readonly layers: readonly OciBlob[];
  readonly manifest: OciBlob;
  /** An image index with the one manifest and its platform. */
  readonly index: OciBlob;
  readonly platform: OciPlatform;
  /** The manifest's digest: the image's identity in registries and containerd. */
  readonly digest: string;
}

export function buildImage(spec: ImageSpec): BuiltImage {
  const platform = spec.platform ?? LINUX_AMD64;
  const config = jsonBlob(
    imageConfig(spec.layers, spec.config ?? {}, platform, spec.created ?? new Date(0)),
    OCI_IMAGE_CONFIG,
  );
  const layers = spec.layers.map((layer) => layer.blob);
  const annotations = spec.annotations && Object.keys(spec.annotations).length ? spec.annotations : undefined;
  const manifest = jsonBlob(
    {
      schemaVersion: 2,
      mediaType: OCI_IMAGE_MANIFEST,
      config: config.descriptor,
      layers: layers.map((layer) => layer.descriptor),
      ...(annotations ? { annotations } : {}),
    },
    OCI_IMAGE_MANIFEST,
  );
  const index = jsonBlob(
    {
      schemaVersion: 2,
      mediaType: OCI_IMAGE_INDEX,
      manifests: [
        { ...manifest.descriptor, platform: { architecture: platform.architecture, os: platform.os } },
      ],
    },
    OCI_IMAGE_INDEX,
  );
  return { config, layers, manifest, index, platform, digest: manifest.descriptor.digest };
}
