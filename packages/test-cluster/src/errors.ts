/** The one error type of @spinkube/test-cluster, with a stable `code`. */
export class TestClusterError extends Error {
  override readonly name = 'TestClusterError';
  constructor(
    readonly code: TestClusterErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export type TestClusterErrorCode =
  | 'BinaryMissing'
  | 'CommandFailed'
  | 'ProcessExited'
  | 'Timeout'
  | 'ProviderUnavailable'
  | 'NotRunning'
  | 'NotSupported';
