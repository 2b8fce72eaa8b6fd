/** The node installer's and the shim downloader's one error type: a stable `code` and a message that names the file and what is wrong. */
export class InstallerError extends Error {
  override readonly name = 'InstallerError';
  constructor(
    readonly code: InstallerErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export type InstallerErrorCode =
  | 'OptionsInvalid'
  | 'ConfigInvalid'
  | 'ConfigNotFound'
  | 'NotInstalled'
  | 'LockFileInvalid'
  | 'AssetMissing'
  | 'DownloadInvalid'
  | 'DownloadFailed'
  | 'RestartFailed';
