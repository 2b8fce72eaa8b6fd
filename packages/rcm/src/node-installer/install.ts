/**
 * `install`: for each shim in the asset directory (`containerd-shim-<name>`, put there by the downloader),
 * its binary goes to `<rcm>/bin/` (replaced atomically, and only when its sha256 differs), its runtime into
 * the distribution's containerd config, and both into the lock file. The config edit is worked out before
 * anything is written, so a config that cannot take it leaves the node untouched. `restart` says whether
 * containerd must restart: only when the binary or the config changed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { addRuntime } from './containerd-config.js';
import { detectPreset, type Preset } from './distro-presets.js';
import { InstallerError } from './installer-error.js';
import { readLockFile, renderLockFile, type LockEntry } from './lock-file.js';
import { writeFileAtomically } from './atomic-file.js';

export const SHIM_PREFIX = 'containerd-shim-';
export const DEFAULT_RCM_PATH = '/opt/rcm';
export const LOCK_FILE = 'rcm-lock.json';

export interface InstallOptions {
  /** Where the node's root is mounted (`-H`, `/mnt/node-root` in the Job). */
  readonly hostRoot: string;
  /** The downloader's output (`/assets`). */
  readonly assetDir: string;
  /** Host path of the containerd config (`-c`); detected from the distribution when not given. */
  readonly configPath?: string;
  /** Host path of the installer's own directory (`-k`, `/opt/rcm`). */
  readonly rcmPath?: string;
  /** `containerdRuntimeOptions` of the Shim. */
  readonly runtimeOptions?: Readonly<Record<string, string>>;
}

export interface InstallResult {
  readonly preset: Preset;
  /** Runtime names installed (or found installed). */
  readonly runtimes: readonly string[];
  /** Host path of the containerd config the runtimes are in, and whether this install wrote it. */
  readonly configPath: string;
  readonly configChanged: boolean;
  /** Host paths of the shim binaries, and whether each was written (a new sha256). */
  readonly binaries: readonly { readonly path: string; readonly changed: boolean }[];
  readonly restart: boolean;
  readonly notes: readonly string[];
}

export function install(options: InstallOptions): InstallResult {
  const rcmPath = options.rcmPath ?? DEFAULT_RCM_PATH;
  const preset = detectPreset(options.hostRoot, options.configPath);
  const host = (path: string) => join(options.hostRoot, path);
  const assets = shimAssets(options.assetDir);
  const lockPath = join(rcmPath, LOCK_FILE);
  const lock = readLockFile(host(lockPath));

  const configExisted = existsSync(host(preset.configPath));
  let config = configExisted ? readFileSync(host(preset.configPath), 'utf8') : startingConfig(preset, host);
  let configChanged = !configExisted;
  const notes: string[] = [];
  const shims: Record<string, LockEntry> = { ...lock.shims };
  const binaries: { path: string; bytes: Buffer; changed: boolean }[] = [];
  for (const asset of assets) {
    const name = asset.slice(SHIM_PREFIX.length);
    const bytes = readFileSync(join(options.assetDir, asset));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const path = join(rcmPath, 'bin', asset);
    const installed = existsSync(host(path)) ? sha256Of(host(path)) : undefined;
    binaries.push({ path, bytes, changed: installed !== sha256 });
    const edit = addRuntime(config, preset.configPath, {
      name,
      binaryPath: path,
      ...(options.runtimeOptions ? { options: options.runtimeOptions } : {}),
    });
    if (edit.note) notes.push(edit.note);
    configChanged ||= edit.changed;
    config = edit.text;
    const previous = lock.shims[name];
    shims[name] = {
      sha256,
      path,
      configPath: preset.configPath,
      createdConfig:
        previous?.configPath === preset.configPath ? (previous.createdConfig ?? false) : !configExisted,
    };
  }

  for (const binary of binaries)
    if (binary.changed) writeFileAtomically(host(binary.path), binary.bytes, 0o755);
  if (configChanged)
    writeFileAtomically(host(preset.configPath), config, modeOf(host(preset.configPath), 0o644));
  const lockText = renderLockFile({ shims });
  if (!existsSync(host(lockPath)) || readFileSync(host(lockPath), 'utf8') !== lockText)
    writeFileAtomically(host(lockPath), lockText, 0o644);
  return {
    preset,
    runtimes: assets.map((asset) => asset.slice(SHIM_PREFIX.length)),
    configPath: preset.configPath,
    configChanged,
    binaries: binaries.map(({ path, changed }) => ({ path, changed })),
    restart: configChanged || binaries.some((binary) => binary.changed),
    notes,
  };
}

function shimAssets(assetDir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(assetDir);
  } catch (error) {
    throw new InstallerError('AssetMissing', `${assetDir}: ${(error as Error).message}`, { cause: error });
  }
  const shims = entries
    .filter((entry) => entry.startsWith(SHIM_PREFIX) && entry.length > SHIM_PREFIX.length)
    .sort();
  if (shims.length === 0)
    throw new InstallerError(
      'AssetMissing',
      `${assetDir} holds no ${SHIM_PREFIX}<name> file (found: ${entries.join(', ') || 'nothing'})`,
    );
  return shims;
}

/** The text a config that does not exist yet starts from (a copy of the distribution's, or nothing). */
function startingConfig(preset: Preset, host: (path: string) => string): string {
  if (preset.createFrom === undefined)
    throw new InstallerError('ConfigNotFound', `${preset.configPath} does not exist on the node`);
  return preset.createFrom === 'empty' ? '' : readFileSync(host(preset.createFrom.copyOf), 'utf8');
}

function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function modeOf(path: string, fallback: number): number {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return fallback;
  }
}
