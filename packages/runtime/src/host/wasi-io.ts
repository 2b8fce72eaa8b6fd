/**
 * wasi:io (error, streams) for HTTP bodies. Streams are host objects the guest holds handles to; the body
 * they belong to decides where written bytes go.
 */
import { returnErr } from './guest-err.js';
import { Pollable } from './wasi-poll.js';

/** `wasi:io/error.error`: an opaque error a stream operation failed with. */
export class IoError {
  constructor(private readonly message: string) {}
  toDebugString(): string {
    return this.message;
  }
}

/** Where an output stream's bytes go. */
export interface ByteSink {
  write(chunk: Uint8Array): void;
  /** Bytes the sink accepts right now without buffering without bound. */
  readonly capacity: bigint;
}

type StreamError = { tag: 'closed' } | { tag: 'last-operation-failed'; val: IoError };

export class OutputStream {
  private closed = false;
  constructor(private readonly sink: ByteSink) {}

  checkWrite(): bigint {
    this.ensureOpen();
    return this.sink.capacity;
  }

  write(contents: Uint8Array): void {
    this.ensureOpen();
    // The glue hands us a view into guest memory; copy it before the guest reuses that memory.
    this.sink.write(contents.slice());
  }

  blockingWriteAndFlush(contents: Uint8Array): void {
    this.write(contents);
  }

  flush(): void {
    this.ensureOpen();
  }

  blockingFlush(): void {
    this.ensureOpen();
  }

  /** Writes never wait: the sink takes what it is given. */
  subscribe(): Pollable {
    return new Pollable();
  }

  /** Called by the host when the body is finished: later writes fail with `closed`. */
  close(): void {
    this.closed = true;
  }

  private ensureOpen(): void {
    if (this.closed) returnErr({ tag: 'closed' } satisfies StreamError);
  }
}

/** Where a streamed body's next chunk comes from; `next()` blocks and returns undefined at the end. */
export interface BlockingSource {
  next(): Uint8Array | undefined;
}

/**
 * Reads a body: bytes already there, or chunks pulled from a blocking source as the guest asks for them
 * (a large or chunked request body streams in while the guest runs).
 */
export class InputStream {
  private buffer: Uint8Array;
  private offset = 0;
  private ended: boolean;
  private readonly source: BlockingSource | undefined;

  constructor(source: Uint8Array | BlockingSource) {
    if (source instanceof Uint8Array) {
      this.buffer = source;
      this.ended = true;
    } else {
      this.buffer = new Uint8Array();
      this.ended = false;
      this.source = source;
    }
  }

  /** Never waits: an empty list means nothing has arrived yet. */
  read(length: bigint): Uint8Array {
    if (this.offset >= this.buffer.length) {
      if (this.ended) returnErr({ tag: 'closed' } satisfies StreamError);
      return new Uint8Array();
    }
    const end = Math.min(this.buffer.length, this.offset + Number(length));
    const chunk = this.buffer.subarray(this.offset, end);
    this.offset = end;
    return chunk;
  }

  blockingRead(length: bigint): Uint8Array {
    while (this.offset >= this.buffer.length && !this.ended) this.pull();
    return this.read(length);
  }

  skip(length: bigint): bigint {
    return BigInt(this.read(length).length);
  }

  blockingSkip(length: bigint): bigint {
    return BigInt(this.blockingRead(length).length);
  }

  subscribe(): Pollable {
    return new InputPollable(this);
  }

  /** Whether a read would return bytes or the end now. */
  get readable(): boolean {
    return this.offset < this.buffer.length || this.ended;
  }

  /** Waits for the next chunk (or the end). */
  pull(): void {
    const chunk = this.source?.next();
    if (chunk === undefined) this.ended = true;
    else {
      this.buffer = chunk;
      this.offset = 0;
    }
  }
}

class InputPollable extends Pollable {
  constructor(private readonly stream: InputStream) {
    super();
  }
  override ready(): boolean {
    return this.stream.readable;
  }
  override block(): void {
    if (!this.stream.readable) this.stream.pull();
  }
  override get deadline(): bigint | undefined {
    return undefined;
  }
}
