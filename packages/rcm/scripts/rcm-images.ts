/**
 * The runtime-class-manager's container images, each one of its single executables (`npx nx run
 * rcm:package`) on @spinkube/image-builder's executable base (CA certificates, the executable's shared
 * libraries, `org.opencontainers.image.*` labels and annotations):
 *
 * - `runtime-class-manager`: the manager, as the non-root user 65532;
 * - `node-installer`: the installer, run as root (it writes the node's files through the hostPath mount and
 *   enters PID 1's mount namespace; the Job's `privileged` gives a non-root user no capabilities), with
 *   util-linux's `nsenter` at /usr/bin/nsenter and the libraries it needs beyond the executable's
 *   (libselinux, libpcre2): under 1 MiB, where busybox-static's applet would add 2 MiB;
 * - `shim-downloader`: the downloader, as the non-root user 65532 (it writes only to the Job's emptyDir).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  executableImage,
  openContainersLabels,
  sharedLibraryEntries,
  sourceRevision,
  type BuiltImage,
  type TarEntry,
} from '@spinkube/image-builder';
import { readFile } from 'node:fs/promises';
import { rcmVersion } from '../src/cli/version.ts';

export { rcmVersion };

export type RcmImageName = 'runtime-class-manager' | 'node-installer' | 'shim-downloader';

export interface RcmImage {
  readonly name: RcmImageName;
  /** The single executable in dist/. */
  readonly executable: string;
  readonly build: () => Promise<BuiltImage>;
}

const packageRoot = resolve(import.meta.dirname, '..');
const dist = (program: string) => join(packageRoot, 'dist', program);
/** Where the installer finds nsenter: the image's PATH (upstream's busybox image had it there too). */
export const NSENTER = '/usr/bin/nsenter';

export const RCM_IMAGES: readonly RcmImage[] = [
  {
    name: 'runtime-class-manager',
    executable: dist('runtime-class-manager'),
    build: () =>
      executableImage({
        executable: dist('runtime-class-manager'),
        // glibc's malloc keeps fewer arenas, as the manager's shebang asks.
        env: { MALLOC_ARENA_MAX: '2' },
        exposedPorts: ['8080/tcp', '8082/tcp'],
        ...described(
          'runtime-class-manager',
          'Shim controller: puts containerd shims on nodes and creates their RuntimeClass',
        ),
      }),
  },
  {
    name: 'node-installer',
    executable: dist('rcm-node-installer'),
    build: async () =>
      executableImage({
        executable: dist('rcm-node-installer'),
        user: '0:0',
        extraFiles: {
          comment: 'nsenter (util-linux) and its libraries',
          entries: await nsenterEntries(dist('rcm-node-installer')),
        },
        ...described('node-installer', 'Installs a containerd shim on a node and restarts containerd'),
      }),
  },
  {
    name: 'shim-downloader',
    executable: dist('rcm-shim-downloader'),
    build: () =>
      executableImage({
        executable: dist('rcm-shim-downloader'),
        ...described('shim-downloader', 'Fetches a containerd shim (HTTP(S) or OCI) for the node installer'),
      }),
  },
];

/** `ghcr.io/spinkube/<name>:<version>`, unless `prefix` names another registry and repository prefix. */
export function imageReference(name: RcmImageName, prefix = 'ghcr.io/spinkube'): string {
  return `${prefix.replace(/\/+$/, '')}/${name}:${rcmVersion()}`;
}

/** Builds one image, refusing clearly when its executable has not been packaged. */
export async function buildRcmImage(image: RcmImage): Promise<BuiltImage> {
  if (!existsSync(image.executable))
    throw new Error(`${image.executable} is missing: build it with npx nx run rcm:package`);
  return image.build();
}

async function nsenterEntries(executable: string): Promise<TarEntry[]> {
  if (!existsSync(NSENTER)) throw new Error(`${NSENTER} is missing: install util-linux`);
  const present = new Set((await sharedLibraryEntries(executable)).map((entry) => entry.path));
  const libraries = (await sharedLibraryEntries(NSENTER)).filter((entry) => !present.has(entry.path));
  return [{ type: 'file', path: NSENTER, bytes: await readFile(NSENTER), mode: 0o755 }, ...libraries];
}

function described(
  title: string,
  description: string,
): { labels: Record<string, string>; annotations: Record<string, string> } {
  const labels = openContainersLabels({
    title,
    description: `${description} (SpinKube in TypeScript)`,
    version: rcmVersion(),
    licenses: 'Apache-2.0',
    ...sourceRevision(packageRoot),
  });
  return { labels, annotations: labels };
}
