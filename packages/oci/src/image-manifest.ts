/** OCI image manifests and indexes: the fields Spin artifacts use, checked when read. */
import { OciError } from './errors.js';
import { isDigest } from './digest.js';
import { DOCKER_MANIFEST_LIST, OCI_IMAGE_INDEX } from './media-types.js';

export interface OciPlatform {
  readonly architecture: string;
  readonly os: string;
}

export interface OciDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly platform?: OciPlatform;
}

export interface OciImageManifest {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly config: OciDescriptor;
  readonly layers: readonly OciDescriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface OciImageIndex {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly manifests: readonly OciDescriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
}

export type ParsedManifest =
  | { readonly kind: 'manifest'; readonly manifest: OciImageManifest }
  | { readonly kind: 'index'; readonly index: OciImageIndex };

/** Parses manifest bytes; `where` (a URL or reference) names them in errors. */
export function parseManifestBytes(bytes: Uint8Array, where: string): ParsedManifest {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw invalid(where, `not JSON: ${String(error)}`);
  }
  if (!isObject(value) || value['schemaVersion'] !== 2) throw invalid(where, 'schemaVersion must be 2');
  const mediaType = optionalString(value['mediaType']);
  if (
    Array.isArray(value['manifests']) ||
    mediaType === OCI_IMAGE_INDEX ||
    mediaType === DOCKER_MANIFEST_LIST
  ) {
    const manifests = arrayAt(value, 'manifests', where).map((item, i) =>
      descriptor(item, `manifests[${String(i)}]`, where),
    );
    return { kind: 'index', index: { schemaVersion: 2, ...(mediaType ? { mediaType } : {}), manifests } };
  }
  const config = descriptor(value['config'], 'config', where);
  const layers = arrayAt(value, 'layers', where).map((item, i) =>
    descriptor(item, `layers[${String(i)}]`, where),
  );
  const annotations = stringRecord(value['annotations']);
  return {
    kind: 'manifest',
    manifest: {
      schemaVersion: 2,
      ...(mediaType ? { mediaType } : {}),
      config,
      layers,
      ...(annotations ? { annotations } : {}),
    },
  };
}

/** The index entry for Wasm (architecture `wasm`, preferring os `wasip1`), as the shim's platform is. */
export function selectWasmManifest(index: OciImageIndex, where: string): OciDescriptor {
  const wasm = index.manifests.filter((entry) => entry.platform?.architecture === 'wasm');
  const chosen = wasm.find((entry) => entry.platform?.os === 'wasip1') ?? wasm[0];
  if (chosen) return chosen;
  const platforms = index.manifests.map((entry) =>
    entry.platform ? `${entry.platform.os}/${entry.platform.architecture}` : 'no platform',
  );
  throw new OciError(
    'OciArtifactInvalid',
    `${where}: the image index has no wasm entry (platforms: ${platforms.join(', ') || 'none'})`,
  );
}

function descriptor(value: unknown, path: string, where: string): OciDescriptor {
  if (!isObject(value)) throw invalid(where, `${path}: expected a descriptor object`);
  const mediaType = value['mediaType'];
  const digest = value['digest'];
  const size = value['size'];
  if (typeof mediaType !== 'string') throw invalid(where, `${path}.mediaType: expected a string`);
  if (typeof digest !== 'string' || !isDigest(digest)) {
    throw invalid(where, `${path}.digest: expected sha256:<64 hex digits>, found ${JSON.stringify(digest)}`);
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw invalid(where, `${path}.size: expected a non-negative integer`);
  }
  const platform = value['platform'];
  const annotations = stringRecord(value['annotations']);
  return {
    mediaType,
    digest,
    size,
    ...(annotations ? { annotations } : {}),
    ...(isObject(platform)
      ? { platform: { architecture: String(platform['architecture']), os: String(platform['os']) } }
      : {}),
  };
}

function arrayAt(value: Record<string, unknown>, key: string, where: string): unknown[] {
  const items = value[key];
  if (!Array.isArray(items)) throw invalid(where, `${key}: expected an array`);
  return items;
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (!isObject(value)) return undefined;
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(where: string, message: string): OciError {
  return new OciError('OciArtifactInvalid', `${where}: invalid OCI manifest: ${message}`);
}
