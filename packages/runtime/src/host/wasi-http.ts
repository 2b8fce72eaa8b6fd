/**
 * wasi:http/types for incoming requests: the host side of the resources a guest's `handle(request,
 * response-out)` uses. One set of classes serves every request; per-request state lives in the objects
 * (the glue checks `instanceof` against these classes, so they must not be recreated per request).
 */
import { returnErr } from './guest-err.js';
import { InputStream, OutputStream, type BlockingSource, type ByteSink } from './wasi-io.js';
import { Pollable } from './wasi-poll.js';

type HeaderError = { tag: 'invalid-syntax' } | { tag: 'forbidden' } | { tag: 'immutable' };
export type ErrorCode = { tag: string; val?: unknown };
export type Method =
  | { tag: 'get' | 'head' | 'post' | 'put' | 'delete' | 'connect' | 'options' | 'trace' | 'patch' }
  | { tag: 'other'; val: string };
export type Scheme = { tag: 'HTTP' } | { tag: 'HTTPS' } | { tag: 'other'; val: string };

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Hop-by-hop headers a guest may neither see nor set. */
const FORBIDDEN = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'host',
  'http2-settings',
]);

export class Fields {
  private readonly entries_: [string, Uint8Array][] = [];
  private immutable = false;

  static fromList(entries: [string, Uint8Array][]): Fields {
    const fields = new Fields();
    for (const [name, value] of entries) fields.append(name, value);
    return fields;
  }

  /** Headers a guest receives or has handed over: readable, not writable. */
  static immutableFrom(entries: Iterable<[string, Uint8Array]>): Fields {
    const fields = new Fields();
    for (const [name, value] of entries) {
      if (!FORBIDDEN.has(name.toLowerCase())) fields.entries_.push([name.toLowerCase(), value]);
    }
    fields.immutable = true;
    return fields;
  }

  get(name: string): Uint8Array[] {
    const key = name.toLowerCase();
    return this.entries_.filter(([n]) => n === key).map(([, v]) => v);
  }

  has(name: string): boolean {
    return this.get(name).length > 0;
  }

  set(name: string, values: Uint8Array[]): void {
    this.checkWritable(name);
    this.remove(name);
    for (const value of values) this.entries_.push([name.toLowerCase(), value.slice()]);
  }

  delete(name: string): void {
    this.checkWritable(name);
    this.remove(name);
  }

  append(name: string, value: Uint8Array): void {
    this.checkWritable(name);
    this.entries_.push([name.toLowerCase(), value.slice()]);
  }

  entries(): [string, Uint8Array][] {
    return this.entries_.map(([n, v]) => [n, v]);
  }

  clone(): Fields {
    const copy = new Fields();
    copy.entries_.push(...this.entries());
    return copy;
  }

  /** Called when the fields are handed to a request or response: from then on they are read-only. */
  freeze(): this {
    this.immutable = true;
    return this;
  }

  private remove(name: string): void {
    const key = name.toLowerCase();
    for (let i = this.entries_.length - 1; i >= 0; i--)
      if (this.entries_[i]?.[0] === key) this.entries_.splice(i, 1);
  }

  private checkWritable(name: string): void {
    if (this.immutable) returnErr({ tag: 'immutable' } satisfies HeaderError);
    if (!TOKEN.test(name)) returnErr({ tag: 'invalid-syntax' } satisfies HeaderError);
    if (FORBIDDEN.has(name.toLowerCase())) returnErr({ tag: 'forbidden' } satisfies HeaderError);
  }
}

export interface IncomingRequestInit {
  readonly method: string;
  readonly pathWithQuery: string;
  readonly scheme: 'http' | 'https';
  readonly authority: string;
  readonly headers: Iterable<[string, Uint8Array]>;
  /** The whole body, or `streamed` when its chunks are pulled while the guest runs. */
  readonly body: Uint8Array | 'streamed';
}

const METHODS = new Set(['get', 'head', 'post', 'put', 'delete', 'connect', 'options', 'trace', 'patch']);

export class IncomingRequest {
  private bodyTaken = false;
  private readonly headersValue: Fields;
  constructor(
    private readonly init: IncomingRequestInit,
    /** Where a streamed body's chunks come from. */
    private readonly bodySource?: BlockingSource,
  ) {
    this.headersValue = Fields.immutableFrom(init.headers);
  }

  method(): Method {
    const lower = this.init.method.toLowerCase();
    return METHODS.has(lower) ? ({ tag: lower } as Method) : { tag: 'other', val: this.init.method };
  }

  pathWithQuery(): string {
    return this.init.pathWithQuery;
  }

  scheme(): Scheme {
    return this.init.scheme === 'https' ? { tag: 'HTTPS' } : { tag: 'HTTP' };
  }

  authority(): string {
    return this.init.authority;
  }

  headers(): Fields {
    return this.headersValue;
  }

  consume(): IncomingBody {
    if (this.bodyTaken) returnErr();
    this.bodyTaken = true;
    const body = this.init.body === 'streamed' ? this.bodySource : this.init.body;
    return new IncomingBody(body ?? new Uint8Array());
  }
}

/** The body of an incoming request or of an outbound request's response. */
export class IncomingBody {
  private streamTaken = false;
  constructor(private readonly bytes: Uint8Array | BlockingSource) {}

  stream(): InputStream {
    if (this.streamTaken) returnErr();
    this.streamTaken = true;
    return new InputStream(this.bytes);
  }

  static finish(_body: IncomingBody): FutureTrailers {
    return new FutureTrailers();
  }
}

/** Requests carry no trailers here: the future is ready at once with none. */
export class FutureTrailers {
  private taken = false;

  subscribe(): Pollable {
    return new Pollable();
  }

  get(): { tag: 'ok'; val: { tag: 'ok'; val: undefined } } | undefined {
    if (this.taken) return undefined;
    this.taken = true;
    return { tag: 'ok', val: { tag: 'ok', val: undefined } };
  }
}

/** Where an outgoing body's bytes go: the HTTP response, or an outbound request. */
export interface BodySink {
  write(chunk: Uint8Array): void;
  end(): void;
}

/** Receives a response as the guest produces it. */
export interface ResponseTarget extends BodySink {
  start(status: number, headers: [string, Uint8Array][]): void;
  fail(error: ErrorCode): void;
}

export class OutgoingBody {
  private streamTaken = false;
  private stream: OutputStream | undefined;
  private readonly pending: Uint8Array[] = [];
  private target: BodySink | undefined;
  private finished = false;

  write(): OutputStream {
    if (this.streamTaken) returnErr();
    this.streamTaken = true;
    const sink: ByteSink = {
      capacity: 1n << 20n,
      write: (chunk) => {
        if (this.target) this.target.write(chunk);
        else this.pending.push(chunk);
      },
    };
    this.stream = new OutputStream(sink);
    return this.stream;
  }

  static finish(body: OutgoingBody, _trailers: Fields | undefined): void {
    body.finished = true;
    body.stream?.close();
    body.target?.end();
  }

  /** Whether the guest has finished the body. */
  get isFinished(): boolean {
    return this.finished;
  }

  /** Connects the body to where its bytes go, flushing what was written before. */
  attach(target: BodySink): void {
    this.target = target;
    for (const chunk of this.pending.splice(0)) target.write(chunk);
    if (this.finished) target.end();
  }
}

export class OutgoingResponse {
  private status = 200;
  private body_: OutgoingBody | undefined;
  private readonly headersValue: Fields;

  constructor(headers: Fields) {
    this.headersValue = headers.freeze();
  }

  statusCode(): number {
    return this.status;
  }

  setStatusCode(status: number): void {
    if (!Number.isInteger(status) || status < 100 || status > 999) returnErr();
    this.status = status;
  }

  headers(): Fields {
    return this.headersValue;
  }

  body(): OutgoingBody {
    if (this.body_) returnErr();
    this.body_ = new OutgoingBody();
    return this.body_;
  }

  /** The body, created on demand: a response whose guest never asked for one has an empty body. */
  bodyForHost(): OutgoingBody {
    if (!this.body_) {
      this.body_ = new OutgoingBody();
      OutgoingBody.finish(this.body_, undefined);
    }
    return this.body_;
  }
}

export class ResponseOutparam {
  private used = false;
  constructor(private readonly target: ResponseTarget) {}

  static set(
    param: ResponseOutparam,
    response: { tag: 'ok'; val: OutgoingResponse } | { tag: 'err'; val: ErrorCode },
  ): void {
    if (param.used) return;
    param.used = true;
    if (response.tag === 'err') {
      param.target.fail(response.val);
      return;
    }
    param.target.start(response.val.statusCode(), response.val.headers().entries());
    response.val.bodyForHost().attach(param.target);
  }

  /** Whether the guest set a response. */
  get responded(): boolean {
    return this.used;
  }
}
