/** The error type of @spinkube/image-builder: `code` is stable, `message` names the entry or field. */
export class ImageBuildError extends Error {
  override readonly name = 'ImageBuildError';
  constructor(
    readonly code: 'EntryInvalid' | 'ConfigInvalid',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
