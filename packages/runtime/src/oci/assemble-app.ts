/**
 * Builds the artifact `spin registry push` publishes for a loaded manifest: one wasm layer per component,
 * one data layer per file (small files inline in the lock), the locked app layer last, and an image config
 * for `wasm`/`wasip1` labelled with the lock's digest. Identical layers are pushed once.
 *
 * The manifest gets the OCI title, version, description and authors annotations, but no `created` time
 * (Spin adds one): without it the same app always has the same digest, so pushing it again is a no-op.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { RuntimeError } from '../errors.js';
import { resolveComponentFiles } from '../files/resolve-files.js';
import { componentFieldLocation } from '../manifest/component-location.js';
import type { AppManifest, ComponentSpec } from '../manifest/types.js';
import {
  jsonBlob,
  ociBlob,
  sha256Digest,
  LOCKED_APP_DIGEST_LABEL,
  OCI_IMAGE_CONFIG,
  OCI_IMAGE_MANIFEST,
  SPIN_DATA_LAYER,
  SPIN_LOCKED_APP,
  SPIN_WASM_LAYER,
  type OciBlob,
  type OciImageManifest,
} from '@spinkube/oci';
import { lockedAppFromManifest, INLINE_MAX_SIZE, type ComponentContent } from './lock-from-app.js';
import { serializeLockedApp, type LockedApp } from './locked-app.js';

export interface AssembledApp {
  readonly lockedApp: LockedApp;
  readonly config: OciBlob;
  readonly layers: readonly OciBlob[];
  readonly manifest: OciImageManifest;
  readonly manifestBytes: Uint8Array;
  /** `sha256:…` of `manifestBytes`: the digest the registry will report. */
  readonly digest: string;
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

export async function assembleApp(
  manifest: AppManifest,
  annotations: Readonly<Record<string, string>> = {},
): Promise<AssembledApp> {
  const layers = new Map<string, OciBlob>();
  const add = (bytes: Uint8Array, mediaType: string): string => {
    const blob = ociBlob(bytes, mediaType);
    const { digest } = blob.descriptor;
    if (!layers.has(digest)) layers.set(digest, blob);
    return digest;
  };
  const content = new Map<string, ComponentContent>();
  for (const spec of manifest.components.values()) {
    const wasmDigest = add(await readWasm(manifest, spec), SPIN_WASM_LAYER);
    const files = [];
    for (const file of await resolveComponentFiles(manifest, spec)) {
      const bytes = await readFile(file.hostPath);
      const digest = sha256Digest(bytes);
      if (bytes.length <= INLINE_MAX_SIZE) files.push({ guestPath: file.guestPath, digest, inline: bytes });
      else files.push({ guestPath: file.guestPath, digest: add(bytes, SPIN_DATA_LAYER) });
    }
    content.set(spec.id, { wasmDigest, files });
  }
  const lockedApp = lockedAppFromManifest(manifest, content);
  const lockDigest = add(serializeLockedApp(lockedApp), SPIN_LOCKED_APP);

  const config = jsonBlob(
    {
      architecture: 'wasm',
      os: 'wasip1',
      config: { Labels: { [LOCKED_APP_DIGEST_LABEL]: lockDigest } },
      rootfs: { type: 'layers', diff_ids: [] },
    },
    OCI_IMAGE_CONFIG,
  );
  const ociManifest: OciImageManifest = {
    schemaVersion: 2,
    mediaType: OCI_IMAGE_MANIFEST,
    config: config.descriptor,
    layers: [...layers.values()].map((layer) => layer.descriptor),
    annotations: { ...inferredAnnotations(manifest), ...annotations },
  };
  const manifestBlob = jsonBlob(ociManifest, OCI_IMAGE_MANIFEST);
  return {
    lockedApp,
    config,
    layers: [...layers.values()],
    manifest: ociManifest,
    manifestBytes: manifestBlob.bytes,
    digest: manifestBlob.descriptor.digest,
  };
}

function inferredAnnotations(manifest: AppManifest): Record<string, string> {
  const { name, version, description, authors } = manifest.application;
  return {
    'org.opencontainers.image.title': name,
    ...(version === undefined ? {} : { 'org.opencontainers.image.version': version }),
    ...(description === undefined ? {} : { 'org.opencontainers.image.description': description }),
    ...(authors.length > 0 ? { 'org.opencontainers.image.authors': authors.join(', ') } : {}),
  };
}

/** A component's wasm from its file source; other sources cannot be pushed yet. */
async function readWasm(manifest: AppManifest, spec: ComponentSpec): Promise<Uint8Array> {
  const where = componentFieldLocation(manifest, spec, 'source');
  if (spec.source.kind !== 'file') {
    throw new RuntimeError(
      'ComponentSourceUnsupported',
      `${spec.source.kind} sources cannot be pushed yet; build the component to a file`,
      where,
    );
  }
  const path = resolve(manifest.dir, spec.source.path);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new RuntimeError('ComponentSourceMissing', `cannot read ${path}: ${reason}`, where, {
      cause: error,
    });
  }
  if (!WASM_MAGIC.every((byte, index) => bytes[index] === byte)) {
    throw new RuntimeError('ComponentInvalid', `${path} is not a WebAssembly file`, where);
  }
  return bytes;
}
