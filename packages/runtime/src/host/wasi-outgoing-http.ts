/**
 * Outgoing HTTP (wasi:http/outgoing-handler and the request-side resources of wasi:http/types). A request
 * is checked against the component's `allowed_outbound_hosts` (a denied one returns `HTTP-request-denied`
 * and is logged), then handed to an `OutboundClient`, which performs it outside the guest's thread. The
 * request starts at `handle()` unless the guest is still writing a body, in which case it starts when the
 * body is finished (or when the guest waits for the response).
 */
import { isAllowed, outboundTarget, type AllowedHost } from '../outbound/allowed-hosts.js';
import { returnErr } from './guest-err.js';
import {
  Fields,
  IncomingBody,
  OutgoingBody,
  type BodySink,
  type ErrorCode,
  type Method,
  type Scheme,
} from './wasi-http.js';
import { Pollable, type WaitGroup } from './wasi-poll.js';

/** A request as it leaves the guest. */
export interface OutboundRequestData {
  readonly method: string;
  readonly url: string;
  readonly headers: [string, Uint8Array][];
  readonly body?: Uint8Array;
  readonly connectTimeoutMs?: number;
}

export type OutboundResult =
  | {
      readonly ok: true;
      readonly status: number;
      readonly headers: [string, Uint8Array][];
      readonly body: Uint8Array;
    }
  | { readonly ok: false; readonly error: ErrorCode };

/** Performs requests outside the guest's thread; `waitAny` blocks until one of them has a result. */
export interface OutboundClient {
  start(request: OutboundRequestData): number;
  waitAny(ids: readonly number[], timeoutMs: number | undefined): void;
  /** The result if it has arrived. */
  take(id: number): OutboundResult | undefined;
}

export interface OutboundContext {
  readonly componentId: string;
  readonly allowedHosts: readonly AllowedHost[];
  readonly client: OutboundClient;
  readonly stderr: (line: string) => void;
}

export class OutgoingRequest {
  private method_: Method = { tag: 'get' };
  private path: string | undefined;
  private scheme_: Scheme | undefined;
  private authority_: string | undefined;
  private body_: OutgoingBody | undefined;
  private readonly headersValue: Fields;

  constructor(headers: Fields) {
    this.headersValue = headers.freeze();
  }
  headers(): Fields {
    return this.headersValue;
  }
  method(): Method {
    return this.method_;
  }
  setMethod(method: Method): void {
    if (method.tag === 'other' && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(method.val)) returnErr();
    this.method_ = method;
  }
  pathWithQuery(): string | undefined {
    return this.path;
  }
  setPathWithQuery(path: string | undefined): void {
    this.path = path;
  }
  scheme(): Scheme | undefined {
    return this.scheme_;
  }
  setScheme(scheme: Scheme | undefined): void {
    this.scheme_ = scheme;
  }
  authority(): string | undefined {
    return this.authority_;
  }
  setAuthority(authority: string | undefined): void {
    this.authority_ = authority;
  }
  body(): OutgoingBody {
    if (this.body_) returnErr();
    this.body_ = new OutgoingBody();
    return this.body_;
  }
  /** The body the guest asked for, if any. */
  get requestedBody(): OutgoingBody | undefined {
    return this.body_;
  }
}

export class RequestOptions {
  private connect: bigint | undefined;
  private firstByte: bigint | undefined;
  private betweenBytes: bigint | undefined;
  connectTimeout(): bigint | undefined {
    return this.connect;
  }
  setConnectTimeout(duration: bigint | undefined): void {
    this.connect = duration;
  }
  firstByteTimeout(): bigint | undefined {
    return this.firstByte;
  }
  setFirstByteTimeout(duration: bigint | undefined): void {
    this.firstByte = duration;
  }
  betweenBytesTimeout(): bigint | undefined {
    return this.betweenBytes;
  }
  setBetweenBytesTimeout(duration: bigint | undefined): void {
    this.betweenBytes = duration;
  }
}

export class IncomingResponse {
  private bodyTaken = false;
  private readonly headersValue: Fields;
  constructor(
    private readonly statusValue: number,
    headers: [string, Uint8Array][],
    private readonly bytes: Uint8Array,
  ) {
    this.headersValue = Fields.immutableFrom(headers);
  }
  status(): number {
    return this.statusValue;
  }
  headers(): Fields {
    return this.headersValue;
  }
  consume(): IncomingBody {
    if (this.bodyTaken) returnErr();
    this.bodyTaken = true;
    return new IncomingBody(this.bytes);
  }
}

type FutureResult =
  | { tag: 'ok'; val: { tag: 'ok'; val: IncomingResponse } | { tag: 'err'; val: ErrorCode } }
  | { tag: 'err'; val: undefined };

/** The pending response of one outbound request. */
export class FutureIncomingResponse {
  private id: number | undefined;
  private result: OutboundResult | undefined;
  private taken = false;
  private readonly chunks: Uint8Array[] = [];

  constructor(
    private readonly client: OutboundClient,
    private readonly request: Omit<OutboundRequestData, 'body'>,
    body: OutgoingBody | undefined,
  ) {
    if (!body || body.isFinished) {
      this.start();
    } else {
      const sink: BodySink = {
        write: (chunk) => this.chunks.push(chunk),
        end: () => {
          this.start();
        },
      };
      body.attach(sink);
    }
  }

  subscribe(): Pollable {
    return new ResponsePollable(this);
  }

  get(): FutureResult | undefined {
    if (this.taken) return { tag: 'err', val: undefined };
    const result = this.poll();
    if (!result) return undefined;
    this.taken = true;
    return result.ok
      ? {
          tag: 'ok',
          val: { tag: 'ok', val: new IncomingResponse(result.status, result.headers, result.body) },
        }
      : { tag: 'ok', val: { tag: 'err', val: result.error } };
  }

  /** Starts the request with the body written so far, if that has not happened yet; returns its id. */
  start(): number {
    if (this.id === undefined) {
      const body = Buffer.concat(this.chunks);
      this.id = this.client.start({ ...this.request, ...(body.length > 0 ? { body } : {}) });
    }
    return this.id;
  }

  poll(): OutboundResult | undefined {
    this.result ??= this.client.take(this.start());
    return this.result;
  }

  get clientRef(): OutboundClient {
    return this.client;
  }
}

class ResponsePollable extends Pollable implements WaitGroup {
  constructor(private readonly future: FutureIncomingResponse) {
    super();
  }
  override ready(): boolean {
    return this.future.poll() !== undefined;
  }
  override block(): void {
    while (!this.ready()) this.future.clientRef.waitAny([this.future.start()], undefined);
  }
  override get deadline(): bigint | undefined {
    return undefined;
  }
  override get waitGroup(): WaitGroup {
    return this;
  }
  waitAny(pollables: readonly Pollable[], timeoutMs: number | undefined): void {
    const ids = pollables.flatMap((p) => (p instanceof ResponsePollable ? [p.future.start()] : []));
    this.future.clientRef.waitAny(ids, timeoutMs);
  }
}

const SCHEMES: Record<string, string> = { HTTP: 'http', HTTPS: 'https' };

function methodName(method: Method): string {
  return method.tag === 'other' ? method.val : method.tag.toUpperCase();
}

export function outgoingHandlerImports(context: OutboundContext): Record<string, object> {
  return {
    'wasi:http/outgoing-handler': {
      handle: (request: OutgoingRequest, options: RequestOptions | undefined): FutureIncomingResponse => {
        const scheme = request.scheme();
        const schemeName = scheme
          ? (SCHEMES[scheme.tag] ?? (scheme.tag === 'other' ? scheme.val : 'http'))
          : 'http';
        const authority = request.authority() ?? 'self';
        let url: URL;
        try {
          url = new URL(`${schemeName}://${authority}${request.pathWithQuery() ?? '/'}`);
        } catch {
          return returnErr({ tag: 'HTTP-request-URI-invalid' } satisfies ErrorCode);
        }
        const target = outboundTarget(url);
        if (!isAllowed(context.allowedHosts, target)) {
          context.stderr(
            `[${context.componentId}] outbound HTTP to ${url.origin} denied: it is not in allowed_outbound_hosts`,
          );
          return returnErr({ tag: 'HTTP-request-denied' } satisfies ErrorCode);
        }
        const connect = options?.connectTimeout();
        return new FutureIncomingResponse(
          context.client,
          {
            method: methodName(request.method()),
            url: url.href,
            headers: request.headers().entries(),
            ...(connect === undefined ? {} : { connectTimeoutMs: Number(connect / 1_000_000n) }),
          },
          request.requestedBody,
        );
      },
    },
  };
}
