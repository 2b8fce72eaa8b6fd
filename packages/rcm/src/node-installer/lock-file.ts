/**
 * The installer's record on the node, `/opt/rcm/rcm-lock.json`, in upstream's format
 * (`{"shims":{"spin-v2":{"sha256":"…","path":"/opt/rcm/bin/containerd-shim-spin-v2"}}}`) plus, additively,
 * which config file the runtime went into and whether the installer created that file, so that uninstall
 * undoes exactly what install did.
 */
import { readFileSync } from 'node:fs';
import { InstallerError } from './installer-error.js';

export interface LockEntry {
  readonly sha256: string;
  /** Host path of the installed binary. */
  readonly path: string;
  /** Host path of the containerd config file the runtime was added to. */
  readonly configPath?: string;
  /** Whether install created that file (k3s/rke2 templates, k0s drop-ins); uninstall then removes it. */
  readonly createdConfig?: boolean;
}

export interface LockFile {
  readonly shims: Readonly<Record<string, LockEntry>>;
}

export function readLockFile(file: string): LockFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { shims: {} };
    throw error;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    const shims =
      typeof parsed === 'object' && parsed !== null ? (parsed as { shims?: unknown }).shims : undefined;
    if (typeof shims !== 'object' || shims === null) throw new Error('no "shims" object');
    return { shims: shims as Record<string, LockEntry> };
  } catch (error) {
    throw new InstallerError('LockFileInvalid', `${file}: ${(error as Error).message}`, { cause: error });
  }
}

export function renderLockFile(lock: LockFile): string {
  return `${JSON.stringify(lock, null, 2)}\n`;
}
