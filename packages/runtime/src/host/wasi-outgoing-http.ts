/**
 * Outgoing HTTP (wasi:http/outgoing-handler). Not implemented yet: every request is refused with
 * `HTTP-request-denied`, and the refusal is logged so it is never silent. Requests are built with the
 * resources below, which record what the guest set.
 */
import { returnErr } from './guest-err.js';
import type { Fields } from './wasi-http.js';

export class OutgoingRequest {
  method: unknown = { tag: 'get' };
  path: string | undefined;
  scheme: unknown;
  authority: string | undefined;
  constructor(readonly headersValue: Fields) {}
  headers(): Fields {
    return this.headersValue;
  }
  setMethod(method: unknown): void {
    this.method = method;
  }
  setPathWithQuery(path: string | undefined): void {
    this.path = path;
  }
  setScheme(scheme: unknown): void {
    this.scheme = scheme;
  }
  setAuthority(authority: string | undefined): void {
    this.authority = authority;
  }
}

export class RequestOptions {
  connectTimeout(): undefined {
    return undefined;
  }
  setConnectTimeout(): void {
    /* accepted, unused until outgoing HTTP exists */
  }
}

export class FutureIncomingResponse {
  readonly resource = 'future-incoming-response';
}
export class IncomingResponse {
  readonly resource = 'incoming-response';
}

export function outgoingHandlerImports(log: (line: string) => void): Record<string, object> {
  return {
    'wasi:http/outgoing-handler': {
      handle: (request: OutgoingRequest): never => {
        log(
          `outbound HTTP to ${request.authority ?? '(no authority)'} refused: outgoing HTTP is not available in this runtime yet`,
        );
        return returnErr({ tag: 'HTTP-request-denied' });
      },
    },
  };
}
