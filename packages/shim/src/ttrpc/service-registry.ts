/** The handlers a ttrpc server routes to, by service and method name. */
import type { CallMetadata } from './metadata.js';
import { StatusCode, TtrpcError } from './status.js';

export interface TtrpcCall {
  readonly service: string;
  readonly method: string;
  readonly metadata: CallMetadata;
  /** Aborted when the caller's timeout passes (reason: DEADLINE_EXCEEDED) or its connection goes (CANCELLED). */
  readonly signal: AbortSignal;
}

/** Answers one unary call: the encoded request message in, the encoded response message out. */
export type TtrpcHandler = (payload: Uint8Array, call: TtrpcCall) => Promise<Uint8Array>;

export class ServiceRegistry {
  readonly #services = new Map<string, ReadonlyMap<string, TtrpcHandler>>();

  register(service: string, methods: Readonly<Record<string, TtrpcHandler>>): void {
    if (this.#services.has(service)) throw new Error(`ttrpc: service ${service} is already registered`);
    this.#services.set(service, new Map(Object.entries(methods)));
  }

  /** Throws UNIMPLEMENTED with Go ttrpc's text ("service X", "method Y") when nothing is registered. */
  lookup(service: string, method: string): TtrpcHandler {
    const methods = this.#services.get(service);
    if (!methods) throw new TtrpcError(StatusCode.UNIMPLEMENTED, `service ${service}`);
    const handler = methods.get(method);
    if (!handler) throw new TtrpcError(StatusCode.UNIMPLEMENTED, `method ${method}`);
    return handler;
  }
}
