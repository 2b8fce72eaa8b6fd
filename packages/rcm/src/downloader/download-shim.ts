/**
 * The downloader's work: fetch the archive, check its sha256 when one is given (before anything is
 * written), take the shim binary out, and write it to the asset directory (mode 0755) for the installer.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InstallerError } from '../node-installer/installer-error.js';
import type { DownloadSettings } from './download-settings.js';
import { extractShim } from './extract-shim.js';
import { fetchArchive } from './fetch-archive.js';

export interface DownloadedShim {
  readonly path: string;
  readonly archiveSha256: string;
  readonly size: number;
}

export async function downloadShim(
  settings: DownloadSettings,
  log: (line: string) => void = () => undefined,
): Promise<DownloadedShim> {
  const archive = await fetchArchive(settings.location, {
    retries: settings.retries,
    retryDelayMs: settings.retryDelayMs,
    plainHttpRegistries: settings.plainHttpRegistries,
    log,
  });
  const archiveSha256 = createHash('sha256').update(archive).digest('hex');
  log(`fetched ${settings.location}: ${String(archive.length)} bytes, sha256 ${archiveSha256}`);
  if (settings.sha256 && settings.sha256 !== archiveSha256)
    throw new InstallerError(
      'DownloadInvalid',
      `${settings.location}: sha256 ${archiveSha256} does not match SHIM_SHA256 ${settings.sha256}`,
    );
  const binary = await extractShim(archive, settings.shimName, settings.location);
  mkdirSync(settings.assetDir, { recursive: true });
  const path = join(settings.assetDir, `containerd-shim-${settings.shimName}`);
  writeFileSync(path, binary);
  chmodSync(path, 0o755);
  return { path, archiveSha256, size: binary.length };
}
