/**
 * `rcm-shim-downloader`'s command line: everything else comes from the environment the node Job gives its
 * init container (upstream's variables, see download-settings.ts). Parsing only: what runs is given as `run`.
 */
import { Command } from 'commander';

export function shimDownloaderProgram(version: string, run: (assetPath: string) => Promise<void>): Command {
  return new Command('rcm-shim-downloader')
    .description(
      "Fetches a containerd shim for the runtime-class-manager's node Job: the archive at SHIM_LOCATION, checked against SHIM_SHA256, its containerd-shim-<SHIM_NAME> written to the asset directory",
    )
    .version(version, '-v, --version')
    .option('-a, --asset-path <path>', 'where the shim binary is written', '/assets')
    .exitOverride()
    .addHelpText(
      'after',
      [
        '',
        'Environment:',
        '  SHIM_NAME            the Shim name; the archive must hold containerd-shim-<SHIM_NAME>',
        '  SHIM_LOCATION        http(s):// URL of a tar.gz, or oci://registry/repository:tag of a shim artifact',
        '  SHIM_SHA256          hex sha256 of the archive (optional)',
        '  NUM_RETRY            tries after a network error, 5xx or 429 (default 3)',
        '  SLEEP_DURATION       seconds between tries (default 2)',
        '  SHIM_OCI_PLAIN_HTTP  registries (host:port, comma-separated) reached over plain http',
      ].join('\n'),
    )
    .action(async (options: { assetPath: string }) => {
      await run(options.assetPath);
    });
}
