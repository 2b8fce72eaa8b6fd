/**
 * A ttrpc client (unary calls only; see server.ts for why ttrpc is implemented here). Calls share one
 * connection, each on its own odd stream id, and are matched to their Response frames by that id.
 */
import type { Socket } from 'node:net';
import { MessageType, encodeFrame, oversizeMessage, MAX_FRAME_DATA_LENGTH } from './frame.js';
import { FrameReader } from './frame-reader.js';
import { requestCodec, responseCodec, type TtrpcResponse } from './messages.js';
import { keyValuesFromMetadata, type MetadataInit } from './metadata.js';
import { StatusCode, TtrpcError } from './status.js';
import { connectUnixSocket } from './unix-socket.js';

export interface ConnectOptions {
  /** How long connecting may take. */
  readonly timeoutMs?: number;
}

export interface CallOptions {
  readonly metadata?: MetadataInit;
  /** Sent to the server as the call's deadline; the call rejects with DEADLINE_EXCEEDED when it passes. */
  readonly timeoutMs?: number;
  /** Rejects the call with CANCELLED when aborted (the server is not told: ttrpc has no cancel frame). */
  readonly signal?: AbortSignal;
}

interface PendingCall {
  resolve(payload: Uint8Array): void;
  reject(error: TtrpcError): void;
}

const MAX_STREAM_ID = 0xffff_ffff;

export class TtrpcClient {
  readonly #socket: Socket;
  readonly #reader = new FrameReader();
  readonly #pending = new Map<number, PendingCall>();
  #nextStreamId = 1;
  #closeReason: TtrpcError | undefined;
  /** Settles (never rejects) when the connection is gone, whoever closed it. */
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.#socket = socket;
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        resolve();
      });
    });
    socket.on('data', (chunk: Buffer) => {
      this.#onData(chunk);
    });
    socket.on('error', (error) => {
      this.#closeReason ??= new TtrpcError(
        StatusCode.UNAVAILABLE,
        `ttrpc: connection failed: ${error.message}`,
        [],
        {
          cause: error,
        },
      );
    });
    socket.once('close', () => {
      this.#closeReason ??= new TtrpcError(StatusCode.UNAVAILABLE, 'ttrpc: closed');
      for (const call of this.#pending.values()) call.reject(this.#closeReason);
      this.#pending.clear();
    });
  }

  /** Connects to a ttrpc server at a unix socket (`/path`, `unix:///path`, or `\0name`). */
  static async connect(address: string, options: ConnectOptions = {}): Promise<TtrpcClient> {
    return new TtrpcClient(await connectUnixSocket(address, options.timeoutMs));
  }

  /** Calls `service/method` with an encoded request message; resolves with the encoded response message. */
  call(service: string, method: string, payload: Uint8Array, options: CallOptions = {}): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const fail = (error: TtrpcError) => {
        reject(error);
      };
      if (this.#closeReason || !this.#socket.writable) {
        fail(this.#closeReason ?? new TtrpcError(StatusCode.UNAVAILABLE, 'ttrpc: closed'));
        return;
      }
      if (options.signal?.aborted) {
        fail(cancelled(options.signal));
        return;
      }
      if (this.#nextStreamId > MAX_STREAM_ID) {
        fail(
          new TtrpcError(StatusCode.RESOURCE_EXHAUSTED, 'ttrpc: stream ids of this connection are used up'),
        );
        return;
      }
      const data = requestCodec.encode({
        service,
        method,
        payload,
        timeoutNano: options.timeoutMs === undefined ? 0 : Math.round(options.timeoutMs * 1e6),
        metadata: keyValuesFromMetadata(options.metadata ?? {}),
      });
      if (data.length > MAX_FRAME_DATA_LENGTH) {
        fail(new TtrpcError(StatusCode.RESOURCE_EXHAUSTED, oversizeMessage(data.length)));
        return;
      }

      const streamId = this.#nextStreamId;
      this.#nextStreamId += 2;
      const { signal, timeoutMs } = options;
      const settle = () => {
        this.#pending.delete(streamId);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              settle();
              fail(
                new TtrpcError(
                  StatusCode.DEADLINE_EXCEEDED,
                  `ttrpc: ${service}/${method} took longer than ${timeoutMs} ms`,
                ),
              );
            }, timeoutMs);
      const onAbort = () => {
        settle();
        fail(cancelled(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(streamId, {
        resolve: (response) => {
          settle();
          resolve(response);
        },
        reject: (error) => {
          settle();
          fail(error);
        },
      });
      this.#socket.write(encodeFrame({ streamId, type: MessageType.Request, flags: 0, data }));
    });
  }

  /** Closes the connection; calls still waiting reject with UNAVAILABLE. */
  close(): void {
    this.#closeReason ??= new TtrpcError(StatusCode.UNAVAILABLE, 'ttrpc: closed');
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    for (const event of this.#reader.push(chunk)) {
      if (event.kind === 'oversize') {
        this.#pending
          .get(event.header.streamId)
          ?.reject(new TtrpcError(StatusCode.RESOURCE_EXHAUSTED, oversizeMessage(event.header.length)));
      } else if (event.frame.type === MessageType.Response) {
        this.#onResponse(event.frame.streamId, event.frame.data);
      }
      // Data frames belong to streaming calls, which this client never starts.
    }
  }

  /** A response for a call no longer waiting (timed out, cancelled) is dropped. */
  #onResponse(streamId: number, data: Uint8Array): void {
    const call = this.#pending.get(streamId);
    if (!call) return;
    let response: TtrpcResponse;
    try {
      response = responseCodec.decode(data);
    } catch (error) {
      call.reject(
        new TtrpcError(
          StatusCode.INTERNAL,
          `ttrpc: malformed response: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
      return;
    }
    const { status } = response;
    if (status && status.code !== StatusCode.OK) call.reject(TtrpcError.fromStatus(status));
    else call.resolve(response.payload);
  }
}

function cancelled(signal: AbortSignal | undefined): TtrpcError {
  return new TtrpcError(StatusCode.CANCELLED, 'ttrpc: call cancelled', [], { cause: signal?.reason });
}
