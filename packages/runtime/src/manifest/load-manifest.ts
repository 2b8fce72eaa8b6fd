/** Finds, parses and validates a Spin manifest (version 1 or 2) from a file or a directory. */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { RuntimeError } from '../errors.js';
import { convertManifestV1 } from './manifest-v1.js';
import { readManifestV2 } from './manifest-v2.js';
import { parseTomlDocument } from './toml-document.js';
import type { AppManifest } from './types.js';

export const DEFAULT_MANIFEST_FILE = 'spin.toml';

/** `path` is a manifest file, or a directory holding `spin.toml`. */
export async function loadManifest(path: string): Promise<AppManifest> {
  const file = await manifestFile(resolve(path));
  return parseManifest(await readFile(file, 'utf8'), file);
}

/** Parses manifest text; `file` is used for relative paths and error locations. */
export function parseManifest(text: string, file: string): AppManifest {
  const document = parseTomlDocument(text, file);
  const version = document.value['spin_manifest_version'];
  if (version === 2 || version === 2n) return readManifestV2(document, dirname(file));
  if (version === '1' || version === 1 || version === 1n)
    return readManifestV2(convertManifestV1(document), dirname(file));
  const line = document.lineOf('spin_manifest_version');
  throw new RuntimeError(
    'ManifestVersion',
    version === undefined
      ? 'missing spin_manifest_version (expected 2, or "1" for the older format)'
      : `unsupported spin_manifest_version ${JSON.stringify(typeof version === 'bigint' ? Number(version) : version)} (expected 2, or "1")`,
    { file, field: 'spin_manifest_version', ...(line === undefined ? {} : { line }) },
  );
}

async function manifestFile(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new RuntimeError('ManifestNotFound', `no such file or directory: ${path}`);
  if (!info.isDirectory()) return path;
  const file = join(path, DEFAULT_MANIFEST_FILE);
  if (!(await stat(file).catch(() => undefined))) {
    throw new RuntimeError('ManifestNotFound', `${path} has no ${DEFAULT_MANIFEST_FILE}`);
  }
  return file;
}
