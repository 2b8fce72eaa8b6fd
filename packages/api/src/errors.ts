/** The one error type of @spinkube/api. `code` is stable and safe to branch on; `message` is for people. */
export class SpinKubeApiError extends Error {
  override readonly name = 'SpinKubeApiError';
  constructor(
    readonly code: SpinKubeApiErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export type SpinKubeApiErrorCode =
  'KubernetesOpenApiUnavailable' | 'KubernetesSchemaNotFound' | 'CrdStale' | 'InvalidQuantity';
