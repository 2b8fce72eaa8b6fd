/** The shim's error type: a stable code (mapped to a ttrpc status by the task service) and a message. */
export type ShimErrorCode =
  'NotFound' | 'AlreadyExists' | 'InvalidArgument' | 'FailedPrecondition' | 'Unimplemented' | 'Internal';

export class ShimError extends Error {
  constructor(
    readonly code: ShimErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ShimError';
  }
}
