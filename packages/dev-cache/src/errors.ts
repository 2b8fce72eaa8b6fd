/** The one error type of @spinkube/dev-cache, with a stable `code`. */
export class DevCacheError extends Error {
  override readonly name = 'DevCacheError';
  constructor(
    readonly code: DevCacheErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export type DevCacheErrorCode =
  | 'GoUnavailable'
  | 'GoCommandFailed'
  | 'ChecksumMismatch'
  | 'DownloadFailed'
  | 'FixtureUnavailable'
  | 'FixtureUnknown'
  | 'ManifestInvalid'
  | 'OpenApiUnavailable';
