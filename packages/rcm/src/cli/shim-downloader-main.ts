#!/usr/bin/env node
/** The `rcm-shim-downloader` executable: settings from the environment, the download, and on failure why. */
import { downloadSettings } from '../downloader/download-settings.js';
import { downloadShim } from '../downloader/download-shim.js';
import { runProgram } from './run-program.js';
import { shimDownloaderProgram } from './shim-downloader-program.js';
import { rcmVersion } from './version.js';

const progress = (line: string) => process.stderr.write(`rcm-shim-downloader: ${line}\n`);

runProgram(
  shimDownloaderProgram(rcmVersion(), async (assetPath) => {
    const settings = downloadSettings(process.env, assetPath);
    progress(`downloading ${settings.location} for shim ${settings.shimName}`);
    const shim = await downloadShim(settings, progress);
    process.stdout.write(
      `${shim.path}: ${String(shim.size)} bytes from ${settings.location} (archive sha256 ${shim.archiveSha256}${settings.sha256 ? ', as SHIM_SHA256 says' : ''})\n`,
    );
  }),
);
