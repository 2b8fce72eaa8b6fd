/**
 * ttrpc carries gRPC status codes in `google.rpc.Status`. The numbers are gRPC's (as in grpc-js's `status`
 * enum); they are repeated here so the ttrpc layer, which the shim needs on every start, does not load
 * grpc-js.
 */
import type { AnyMessage, StatusMessage } from '../proto/google.js';

export const StatusCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export type StatusCode = (typeof StatusCode)[keyof typeof StatusCode];

const codeNames = new Map<number, string>(Object.entries(StatusCode).map(([name, code]) => [code, name]));

export function statusCodeName(code: number): string {
  return codeNames.get(code) ?? `CODE(${code})`;
}

/** A non-OK ttrpc status: thrown by handlers to answer with it, and by the client when a call fails. */
export class TtrpcError extends Error {
  constructor(
    /** A gRPC status code; numbers outside the known set are kept as the peer sent them. */
    readonly code: number,
    message: string,
    readonly details: readonly AnyMessage[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'TtrpcError';
  }

  static fromStatus(status: StatusMessage): TtrpcError {
    return new TtrpcError(status.code, status.message, status.details);
  }

  toStatus(): StatusMessage {
    return { code: this.code, message: this.message, details: [...this.details] };
  }
}

/** The status a handler's throw answers with: a TtrpcError's own, anything else UNKNOWN with its message. */
export function statusFromError(error: unknown): StatusMessage {
  if (error instanceof TtrpcError) return error.toStatus();
  const message = error instanceof Error ? error.message : String(error);
  return { code: StatusCode.UNKNOWN, message, details: [] };
}
