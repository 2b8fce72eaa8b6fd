/**
 * Per-request options for client-node's generated APIs that attach an AbortSignal to the request, so a
 * call can be bounded by a deadline (a lease renewal must not outlive the renew deadline) or cancelled.
 */
import {
  Observable,
  type ConfigurationOptions,
  type RequestContext,
  type ResponseContext,
} from '@kubernetes/client-node';

export function abortableRequest(signal: AbortSignal): ConfigurationOptions {
  return {
    middleware: [
      {
        pre: (context: RequestContext) => {
          context.setSignal(signal);
          return new Observable(Promise.resolve(context));
        },
        post: (context: ResponseContext) => new Observable(Promise.resolve(context)),
      },
    ],
    // Keep whatever middleware the API client was built with.
    middlewareMergeStrategy: 'append',
  };
}

/** The HTTP status of a failed API call (client-node's ApiException), if it has one. */
export function statusCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'number' ? error.code : undefined;
}
