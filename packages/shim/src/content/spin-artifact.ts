/**
 * Finds a task's Spin app the way containerd-shim-spin does: the container's image in containerd's content
 * store (image → manifest → config → layers with Spin's media types) when it is a Spin OCI artifact,
 * otherwise `/spin.toml` in the container's root filesystem. Layers are read once and kept in the
 * content-addressed cache, so later starts of the same image read only its manifest and config.
 */
import { existsSync } from 'node:fs';
import {
  parseManifestBytes,
  selectWasmManifest,
  SUPPORTED_LAYERS,
  type OciImageManifest,
} from '@spinkube/oci';
import { lockedAppFromLayers, loadManifest, type AppManifest } from '@spinkube/runtime';
import { hostPath } from '../bundle/container-paths.js';
import { IMAGE_NAME_ANNOTATIONS, type BundleSpec } from '../bundle/oci-spec.js';
import { ShimError } from '../errors.js';
import type { ContainerdClient } from './containerd-client.js';

export interface SpinAppSource {
  readonly manifest: AppManifest;
  /** `oci` (layers from the content store, with the image name) or `file` (`/spin.toml`). */
  readonly origin:
    | { readonly kind: 'oci'; readonly image: string; readonly digest: string }
    | { readonly kind: 'file'; readonly path: string };
}

export interface FindAppInput {
  readonly containerd: ContainerdClient;
  readonly namespace: string;
  readonly containerId: string;
  readonly spec: BundleSpec;
  readonly cacheDir: string;
  readonly log: (message: string) => void;
}

export async function findSpinApp(input: FindAppInput): Promise<SpinAppSource> {
  const image = await imageName(input);
  let reason = 'the container has no image';
  if (image) {
    const artifact = await spinArtifact(input, image);
    if ('manifest' in artifact) {
      const { app } = await lockedAppFromLayers(
        {
          manifest: artifact.manifest,
          readBlob: (descriptor) => input.containerd.readBlob(input.namespace, descriptor.digest),
        },
        { cacheDir: input.cacheDir, origin: image },
      );
      return { manifest: app, origin: { kind: 'oci', image, digest: artifact.digest } };
    }
    reason = `image ${image} ${artifact.reason}`;
  }
  input.log(`${reason}; looking for /spin.toml in the root filesystem`);
  const path = hostPath(input.spec, '/spin.toml');
  if (!existsSync(path)) {
    throw new ShimError(
      'NotFound',
      `no Spin app to run: ${reason}, and there is no /spin.toml in the container's root filesystem (${path})`,
    );
  }
  return { manifest: await loadManifest(path), origin: { kind: 'file', path } };
}

async function imageName(input: FindAppInput): Promise<string | undefined> {
  const fromContainer = await input.containerd
    .containerImage(input.namespace, input.containerId)
    .catch((error: unknown) => {
      input.log(`reading container ${input.containerId} from containerd failed: ${String(error)}`);
      return undefined;
    });
  return (
    fromContainer ?? IMAGE_NAME_ANNOTATIONS.map((key) => input.spec.annotations[key]).find((name) => !!name)
  );
}

type Artifact = { manifest: OciImageManifest; digest: string } | { reason: string };

async function spinArtifact(input: FindAppInput, image: string): Promise<Artifact> {
  const read = async (digest: string) => input.containerd.readBlob(input.namespace, digest);
  let target;
  try {
    target = await input.containerd.imageTarget(input.namespace, image);
  } catch (error) {
    return { reason: `could not be read from containerd (${(error as Error).message})` };
  }
  let digest = target.digest;
  let parsed = parseManifestBytes(await read(digest), image);
  if (parsed.kind === 'index') {
    let entry;
    try {
      entry = selectWasmManifest(parsed.index, image);
    } catch {
      return { reason: 'has no wasm entry in its index' };
    }
    digest = entry.digest;
    parsed = parseManifestBytes(await read(digest), `${image} (${digest})`);
    if (parsed.kind === 'index') return { reason: `has an index inside its index (${digest})` };
  }
  const manifest = parsed.manifest;
  const config = JSON.parse(Buffer.from(await read(manifest.config.digest)).toString('utf8')) as {
    architecture?: unknown;
  };
  if (config.architecture !== 'wasm') {
    return { reason: `is not a Spin artifact (architecture ${JSON.stringify(config.architecture ?? null)})` };
  }
  const layers = manifest.layers.filter((layer) =>
    (SUPPORTED_LAYERS as readonly string[]).includes(layer.mediaType),
  );
  if (layers.length === 0) return { reason: 'has no layer with a Spin media type' };
  return { manifest: { ...manifest, layers }, digest };
}
