/**
 * How this package makes and judges API calls through client-node's generated clients: per-request options
 * that attach an AbortSignal (a lease renewal must not outlive the renew deadline), the status of a failed
 * call, a one-line description of it, and the default place errors go.
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

/** A one-line account of a failed API call: the status and the apiserver's message, or the error's message. */
export function describeError(error: unknown): string {
  const code = statusCode(error);
  if (code !== undefined && typeof error === 'object' && error !== null && 'body' in error) {
    return `HTTP ${String(code)}: ${statusMessage(error.body)}`;
  }
  if (error instanceof Error) {
    return error.name === 'AbortError' || error.name === 'TimeoutError'
      ? 'request timed out or cancelled'
      : error.message;
  }
  return String(error);
}

function statusMessage(body: unknown): string {
  // client-node hands over the error body as the text the apiserver sent: a Status object in JSON.
  if (typeof body === 'string') {
    try {
      const parsed: unknown = JSON.parse(body);
      if (
        typeof parsed === 'object' &&
        parsed !== null &&
        'message' in parsed &&
        typeof parsed.message === 'string'
      ) {
        return parsed.message;
      }
    } catch {
      return body;
    }
    return body;
  }
  if (typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string') {
    return body.message;
  }
  return JSON.stringify(body);
}

/** Default error sink: one JSON line on stderr, tagged with the reporting component. */
export function logErrorToStderr(component: string): (error: unknown) => void {
  return (error) => {
    process.stderr.write(`${JSON.stringify({ level: 'error', component, msg: describeError(error) })}\n`);
  };
}
