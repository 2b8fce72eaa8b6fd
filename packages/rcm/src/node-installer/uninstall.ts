/**
 * `uninstall <name>`: undoes what install recorded in the lock file: the runtime's block leaves the config
 * (a config install created goes altogether once nothing else is in it), the binary goes, and the lock entry;
 * the lock file and the installer's directories go when empty, so a node with nothing installed has none of
 * its files. `restart` is true when the config changed.
 */
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomically } from './atomic-file.js';
import { removeRuntime } from './containerd-config.js';
import { detectPreset, type Preset } from './distro-presets.js';
import { DEFAULT_RCM_PATH, LOCK_FILE } from './install.js';
import { InstallerError } from './installer-error.js';
import { readLockFile, renderLockFile } from './lock-file.js';

export interface UninstallOptions {
  readonly hostRoot: string;
  /** The runtime (shim) name, e.g. `spin-v2`. */
  readonly name: string;
  readonly configPath?: string;
  readonly rcmPath?: string;
}

export interface UninstallResult {
  /** The distribution of the config the runtime was in (how containerd restarts). */
  readonly preset: Preset;
  readonly configPath: string;
  readonly binaryPath: string;
  /** Whether the config changed, so containerd must restart. */
  readonly restart: boolean;
}

export function uninstall(options: UninstallOptions): UninstallResult {
  const rcmPath = options.rcmPath ?? DEFAULT_RCM_PATH;
  const host = (path: string) => join(options.hostRoot, path);
  const lockPath = join(rcmPath, LOCK_FILE);
  const lock = readLockFile(host(lockPath));
  const entry = lock.shims[options.name];
  if (!entry) throw new InstallerError('NotInstalled', `shim ${options.name} is not installed (${lockPath})`);
  const configPath = entry.configPath ?? detectPreset(options.hostRoot, options.configPath).configPath;

  let restart = false;
  if (existsSync(host(configPath))) {
    const text = readFileSync(host(configPath), 'utf8');
    const edit = removeRuntime(text, configPath, options.name);
    restart = edit.changed;
    const othersUseIt = Object.entries(lock.shims).some(
      ([name, other]) => name !== options.name && other.configPath === configPath,
    );
    if (entry.createdConfig === true && !othersUseIt && edit.text.trim() === '') rmSync(host(configPath));
    else if (
      entry.createdConfig === true &&
      !othersUseIt &&
      createdCopyUnchanged(configPath, edit.text, host)
    )
      rmSync(host(configPath));
    else if (edit.changed)
      writeFileAtomically(host(configPath), edit.text, statSync(host(configPath)).mode & 0o7777);
  }
  rmSync(host(entry.path), { force: true });
  const shims = Object.fromEntries(Object.entries(lock.shims).filter(([name]) => name !== options.name));
  if (Object.keys(shims).length > 0) writeFileAtomically(host(lockPath), renderLockFile({ shims }), 0o644);
  else rmSync(host(lockPath), { force: true });
  for (const dir of [dirname(entry.path), rcmPath]) removeIfEmpty(host(dir));
  return { preset: detectPreset(options.hostRoot, configPath), configPath, binaryPath: entry.path, restart };
}

/** A k3s/rke2 template install created as a copy of config.toml, and which holds nothing else now. */
function createdCopyUnchanged(configPath: string, text: string, host: (path: string) => string): boolean {
  if (!configPath.endsWith('.tmpl')) return false;
  const source = host(configPath.slice(0, -'.tmpl'.length));
  return existsSync(source) && readFileSync(source, 'utf8') === text;
}

function removeIfEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // Missing already.
  }
}
