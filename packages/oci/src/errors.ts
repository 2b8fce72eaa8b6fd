/** The one error type of @spinkube/oci. `code` is stable; `message` names the reference, URL or blob. */
export class OciError extends Error {
  override readonly name = 'OciError';
  constructor(
    readonly code: OciErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export type OciErrorCode =
  | 'OciReferenceInvalid'
  | 'RegistryUnauthorized'
  | 'RegistryNotFound'
  | 'RegistryError'
  | 'OciDigestMismatch'
  | 'OciArtifactInvalid';
