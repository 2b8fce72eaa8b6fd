/**
 * What package-sea.ts tells the single executable's bootstrap about the app bundle it embedded. Shared by
 * both, so the asset names and the manifest's shape cannot drift apart.
 */

/** The files of the app bundle (ES modules and their package.json), each embedded as `app/<name>`. */
export interface SeaManifest {
  /** Content hash of every file (name and bytes); names the directory they are extracted to. */
  readonly hash: string;
  /** The module the bootstrap imports once the files are on disk. */
  readonly main: string;
  readonly files: readonly SeaFile[];
}

export interface SeaFile {
  readonly name: string;
  readonly size: number;
}

/** Asset key prefix of the app bundle's files. */
export const APP_ASSET_PREFIX = 'app/';
/** Asset key prefix of jco-transpile's core wasm modules, compiled from memory, never written to disk. */
export const JCO_ASSET_PREFIX = 'jco/';
/** Overrides where the app bundle is extracted: the shim's own data directory and its default. */
export { DATA_DIR_ENV, DEFAULT_DATA_DIR } from '../src/server/shim-settings.ts';
export const PROGRAM = 'containerd-shim-spin-v2';
