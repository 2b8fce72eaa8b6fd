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

/** Reads a fully buffered body (request bodies are buffered before the guest runs). */
export class InputStream {
  private offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  read(length: bigint): Uint8Array {
    if (this.offset >= this.bytes.length) returnErr({ tag: 'closed' } satisfies StreamError);
    const end = Math.min(this.bytes.length, this.offset + Number(length));
    const chunk = this.bytes.subarray(this.offset, end);
    this.offset = end;
    return chunk;
  }

  blockingRead(length: bigint): Uint8Array {
    return this.read(length);
  }

  skip(length: bigint): bigint {
    return BigInt(this.read(length).length);
  }

  blockingSkip(length: bigint): bigint {
    return this.skip(length);
  }

  /** The body is buffered before the guest runs, so reads never wait. */
  subscribe(): Pollable {
    return new Pollable();
  }
}
