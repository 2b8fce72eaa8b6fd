/**
 * An image for one dynamically linked executable (our single executables: the operator, the
 * runtime-class-manager's tools), in three layers from least to most often changed:
 *
 * 1. base: CA certificates (Debian's bundle, for HTTPS to registries and the API server), `/etc/passwd` and
 *    `/etc/group` naming root and the non-root user the image runs as (65532, as distroless' `nonroot`),
 *    `/etc/nsswitch.conf`, and a world-writable `/tmp`;
 * 2. the executable's shared libraries, found by `ldd` on this machine;
 * 3. the executable at `/<name>`, the entrypoint.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { buildImage, type BuiltImage } from './build-image.js';
import { ImageBuildError } from './errors.js';
import { imageLayer } from './layer.js';
import { sharedLibraryEntries } from './shared-libraries.js';
import type { TarEntry } from './tar-entry.js';

export const CA_CERTIFICATES = '/etc/ssl/certs/ca-certificates.crt';
export const NONROOT_UID = 65532;

export interface ExecutableImageOptions {
  /** The executable on this machine. */
  readonly executable: string;
  /** Its name in the image (`/<name>`); the executable's file name unless given. */
  readonly name?: string;
  /** Arguments after the entrypoint. */
  readonly cmd?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly exposedPorts?: readonly (string | number)[];
  /** Manifest annotations (e.g. `openContainersLabels(...)`). */
  readonly annotations?: Readonly<Record<string, string>>;
  /** `uid:gid` the image runs as; the non-root 65532 unless given (e.g. `0:0` for a node installer). */
  readonly user?: string;
  /** More files in a layer of their own after the executable's (a tool it runs, with its libraries). */
  readonly extraFiles?: { readonly comment: string; readonly entries: readonly TarEntry[] };
}

export async function executableImage(options: ExecutableImageOptions): Promise<BuiltImage> {
  const name = options.name ?? basename(options.executable);
  const base = await imageLayer(await baseEntries(), { comment: 'CA certificates, users, /tmp' });
  const libraries = await imageLayer(await sharedLibraryEntries(options.executable), {
    comment: `shared libraries of ${name}`,
  });
  const app = await imageLayer(
    [{ type: 'file', path: name, bytes: await readFile(options.executable), mode: 0o755 }],
    { comment: name },
  );
  const extra = options.extraFiles
    ? [await imageLayer(options.extraFiles.entries, { comment: options.extraFiles.comment })]
    : [];
  return buildImage({
    layers: [base, libraries, app, ...extra],
    config: {
      user: options.user ?? `${String(NONROOT_UID)}:${String(NONROOT_UID)}`,
      entrypoint: [`/${name}`],
      ...(options.cmd ? { cmd: options.cmd } : {}),
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', SSL_CERT_FILE: CA_CERTIFICATES, ...options.env },
      ...(options.labels ? { labels: options.labels } : {}),
      ...(options.exposedPorts ? { exposedPorts: options.exposedPorts } : {}),
    },
    ...(options.annotations ? { annotations: options.annotations } : {}),
  });
}

async function baseEntries(): Promise<TarEntry[]> {
  let certificates: Buffer;
  try {
    certificates = await readFile(CA_CERTIFICATES);
  } catch (error) {
    throw new ImageBuildError(
      'EntryInvalid',
      `${CA_CERTIFICATES} is missing: install Debian's ca-certificates`,
      { cause: error },
    );
  }
  const uid = String(NONROOT_UID);
  const text = (value: string) => Buffer.from(value);
  return [
    { type: 'file', path: CA_CERTIFICATES, bytes: certificates },
    {
      type: 'file',
      path: 'etc/passwd',
      bytes: text(
        `root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${uid}:${uid}:nonroot:/home/nonroot:/sbin/nologin\n`,
      ),
    },
    { type: 'file', path: 'etc/group', bytes: text(`root:x:0:\nnonroot:x:${uid}:\n`) },
    { type: 'file', path: 'etc/nsswitch.conf', bytes: text('hosts: files dns\n') },
    { type: 'directory', path: 'home/nonroot', uid: NONROOT_UID, gid: NONROOT_UID, mode: 0o700 },
    { type: 'directory', path: 'tmp', mode: 0o1777 },
  ];
}
