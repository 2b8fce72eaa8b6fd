/**
 * Installs a Go toolchain from the Go module proxy (module golang.org/toolchain, the same zips the go
 * command's GOTOOLCHAIN switch downloads) into the cache, checked against its pinned go.sum hash. Nothing
 * outside the cache is touched.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { downloadToFile } from '../download.js';
import { DevCacheError } from '../errors.js';
import { extractModuleZip } from './extract-module-zip.js';
import { goModuleZipHash } from './module-zip-hash.js';

export interface ToolchainInstall {
  /** e.g. `go1.27.3`. */
  readonly version: string;
  /** e.g. `linux-amd64`. */
  readonly platform: string;
  /** The go.sum hash the zip must have. */
  readonly sum: string;
  /** The toolchain's directory: `<dir>/bin/go` after the install. */
  readonly dir: string;
  /** Base URL of a Go module proxy. */
  readonly proxy: string;
  readonly log?: (line: string) => void;
}

/** The first proxy URL of a GOPROXY list (`https://a,direct`), or the public proxy when none is set. */
export function proxyFromGoproxy(goproxy: string | undefined): string | undefined {
  if (goproxy === undefined || goproxy.trim() === '') return 'https://proxy.golang.org';
  return goproxy
    .split(/[,|]/)
    .map((entry) => entry.trim())
    .find((entry) => /^https?:\/\//.test(entry))
    ?.replace(/\/+$/, '');
}

/** Files Go's own toolchain switch makes executable; the proxy's zips carry no modes. */
const isExecutable = (path: string): boolean => path.startsWith('bin/') || path.startsWith('pkg/tool/');

export async function installGoToolchain(install: ToolchainInstall): Promise<string> {
  const go = join(install.dir, 'bin', 'go');
  if (existsSync(go)) return go;
  const module = `golang.org/toolchain@v0.0.1-${install.version}.${install.platform}`;
  const url = `${install.proxy}/golang.org/toolchain/@v/v0.0.1-${install.version}.${install.platform}.zip`;
  const scratch = `${install.dir}.partial-${String(process.pid)}`;
  const zipFile = `${scratch}.zip`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  try {
    install.log?.(`downloading ${install.version} from ${url}`);
    await downloadToFile(url, zipFile);
    install.log?.(`unpacking ${install.version} into ${install.dir}`);
    const entries = await extractModuleZip(zipFile, scratch, {
      prefix: `${module}/`,
      modeOf: (path) => (isExecutable(path) ? 0o755 : 0o644),
    });
    const sum = goModuleZipHash(entries);
    if (sum !== install.sum) {
      throw new DevCacheError(
        'ChecksumMismatch',
        `${url} does not match its pinned go.sum hash: expected ${install.sum}, got ${sum}; nothing was installed`,
      );
    }
    // Another process may have finished the same install meanwhile; its copy is as good as ours.
    if (!existsSync(go)) {
      rmSync(install.dir, { recursive: true, force: true });
      renameSync(scratch, install.dir);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(zipFile, { force: true });
  }
  return go;
}
