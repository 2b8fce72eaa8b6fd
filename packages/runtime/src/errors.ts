import { OciError } from '@spinkube/oci';

/** The one error type of @spinkube/runtime. `code` is stable; `message` says what is wrong and where. */
export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    readonly where?: SourceLocation,
    options?: ErrorOptions,
  ) {
    super(where ? `${formatLocation(where)}: ${message}` : message, options);
  }
}

export type RuntimeErrorCode =
  | 'ManifestNotFound'
  | 'ManifestSyntax'
  | 'ManifestInvalid'
  | 'ManifestVersion'
  | 'RuntimeConfigInvalid'
  | 'VariableMissing'
  | 'ComponentInvalid'
  | 'ComponentSourceMissing'
  | 'ComponentSourceUnsupported'
  | 'ImportUnsupported'
  | 'FileMountInvalid'
  | 'FileMountMissing'
  | 'OciReferenceInvalid'
  | 'RegistryUnauthorized'
  | 'RegistryNotFound'
  | 'RegistryError'
  | 'OciDigestMismatch'
  | 'OciArtifactInvalid'
  | 'LockedAppInvalid'
  | 'AppLoadFailed'
  | 'PoolClosed';

/** A place in an input file: `spin.toml:12: component.hello.source`. */
export interface SourceLocation {
  readonly file: string;
  readonly line?: number;
  readonly field?: string;
}

export function formatLocation(where: SourceLocation): string {
  const place = where.line === undefined ? where.file : `${where.file}:${String(where.line)}`;
  return where.field ? `${place}: ${where.field}` : place;
}

/**
 * Runs `work`, turning an `OciError` of @spinkube/oci (registry, reference, digest) into a RuntimeError
 * with the same code and message, so callers of the runtime see one error type.
 */
export async function withRuntimeErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof OciError)
      throw new RuntimeError(error.code, error.message, undefined, { cause: error });
    throw error;
  }
}
