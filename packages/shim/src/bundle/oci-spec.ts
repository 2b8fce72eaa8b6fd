/**
 * The parts of a bundle's OCI runtime spec (`config.json`) the shim uses. A Spin app needs no container,
 * so the spec is read rather than executed: its env, args, root, bind mounts, network namespace and the
 * CRI annotations that say whether this is a pod sandbox.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { ShimError } from '../errors.js';

export interface SpecMount {
  readonly destination: string;
  readonly type: string;
  readonly source: string;
  readonly options: readonly string[];
}

export interface BundleSpec {
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly cwd: string;
  /** The root filesystem's path on the host (`root.path`, relative to the bundle). */
  readonly rootPath: string;
  readonly mounts: readonly SpecMount[];
  /** The network namespace: none (`host`: the shim's own), a path, or a new one (`new`). */
  readonly network:
    { readonly kind: 'host' } | { readonly kind: 'path'; readonly path: string } | { readonly kind: 'new' };
  /** `linux.namespaces`: each type, with the path to join or none (a new namespace). */
  readonly namespaces: readonly SpecNamespace[];
  readonly annotations: Readonly<Record<string, string>>;
  readonly hostname?: string;
}

export interface SpecNamespace {
  readonly type: string;
  readonly path?: string;
}

/** CRI's annotation naming a container's kind: `sandbox` (the pod's pause container) or `container`. */
export const CONTAINER_TYPE_ANNOTATION = 'io.kubernetes.cri.container-type';
export const SANDBOX_ID_ANNOTATION = 'io.kubernetes.cri.sandbox-id';
/** The image name: CRI sets the first, `ctr run --annotation` can set the second. */
export const IMAGE_NAME_ANNOTATIONS = ['io.kubernetes.cri.image-name', 'io.containerd.image.name'] as const;

export async function readBundleSpec(bundle: string): Promise<BundleSpec> {
  const file = join(bundle, 'config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ShimError('InvalidArgument', `cannot read the bundle's OCI spec ${file}: ${String(error)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ShimError('InvalidArgument', `${file} is not JSON: ${(error as Error).message}`);
  }
  return parseBundleSpec(raw, bundle, file);
}

export function parseBundleSpec(
  raw: unknown,
  bundle: string,
  file = join(bundle, 'config.json'),
): BundleSpec {
  const fail = (field: string, what: string): never => {
    throw new ShimError('InvalidArgument', `${file}: ${field} ${what}`);
  };
  const spec = record(raw) ?? fail('(root)', 'must be an object');
  const process = record(spec['process']) ?? {};
  const strings = (value: unknown, field: string): string[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
      return fail(field, 'must be a list of strings');
    return value as string[];
  };
  const root = record(spec['root']);
  const rootField = root?.['path'];
  if (rootField !== undefined && typeof rootField !== 'string') fail('root.path', 'must be a string');
  const rootPath = typeof rootField === 'string' ? rootField : 'rootfs';
  const mounts = (Array.isArray(spec['mounts']) ? spec['mounts'] : []).map((entry: unknown, index) => {
    const mount = record(entry) ?? fail(`mounts[${String(index)}]`, 'must be an object');
    const destination = mount['destination'];
    if (typeof destination !== 'string')
      return fail(`mounts[${String(index)}].destination`, 'must be a string');
    return {
      destination,
      type: typeof mount['type'] === 'string' ? mount['type'] : '',
      source: typeof mount['source'] === 'string' ? mount['source'] : '',
      options: strings(mount['options'], `mounts[${String(index)}].options`),
    };
  });
  const linux = record(spec['linux']);
  const namespaces = Array.isArray(linux?.['namespaces']) ? (linux['namespaces'] as unknown[]) : [];
  const networkEntry = namespaces.map(record).find((ns) => ns?.['type'] === 'network');
  const networkPath = networkEntry?.['path'];
  const annotations = record(spec['annotations']) ?? {};
  const hostname = spec['hostname'];
  return {
    args: strings(process['args'], 'process.args'),
    env: strings(process['env'], 'process.env'),
    cwd: typeof process['cwd'] === 'string' ? process['cwd'] : '/',
    rootPath: isAbsolute(rootPath) ? rootPath : join(bundle, rootPath),
    mounts,
    namespaces: namespaces.flatMap((entry, index): SpecNamespace[] => {
      const ns = record(entry) ?? fail(`linux.namespaces[${String(index)}]`, 'must be an object');
      if (typeof ns['type'] !== 'string')
        return fail(`linux.namespaces[${String(index)}].type`, 'must be a string');
      const path = ns['path'];
      return [typeof path === 'string' && path !== '' ? { type: ns['type'], path } : { type: ns['type'] }];
    }),
    network: !networkEntry
      ? { kind: 'host' }
      : typeof networkPath === 'string' && networkPath !== ''
        ? { kind: 'path', path: networkPath }
        : { kind: 'new' },
    annotations: Object.fromEntries(
      Object.entries(annotations).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    ),
    ...(typeof hostname === 'string' && hostname !== '' ? { hostname } : {}),
  };
}

/** True for the pod's sandbox (pause) container, which needs no process here. */
export function isSandbox(spec: BundleSpec): boolean {
  return spec.annotations[CONTAINER_TYPE_ANNOTATION] === 'sandbox';
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
