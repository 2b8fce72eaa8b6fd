/**
 * The go.sum hash (`h1:`) of a module zip, so a toolchain downloaded without Go can be checked against the
 * checksum database's value. Go computes it as base64(sha256 of one line per file, sorted by name:
 * `<sha256 hex of the file>  <name in the zip>\n`). No npm package implements it, hence this function.
 */
import { createHash } from 'node:crypto';

export interface HashedZipEntry {
  readonly name: string;
  readonly sha256Hex: string;
}

export function goModuleZipHash(entries: readonly HashedZipEntry[]): string {
  const summary = createHash('sha256');
  for (const entry of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.includes('\n'))
      throw new Error(`zip entry name contains a newline: ${JSON.stringify(entry.name)}`);
    summary.update(`${entry.sha256Hex}  ${entry.name}\n`);
  }
  return `h1:${summary.digest('base64')}`;
}
