/**
 * One accepted ttrpc connection: reads Request frames, runs their handlers concurrently and answers each
 * on its stream as soon as it is done (in any order). Faults of one call — bad stream id, malformed or
 * oversized message, unknown method, streaming request — are answered on that stream with Go ttrpc's
 * status and text; the connection goes on.
 */
import type { Socket } from 'node:net';
import {
  FrameFlag,
  MAX_FRAME_DATA_LENGTH,
  MessageType,
  encodeFrame,
  oversizeMessage,
  type Frame,
} from './frame.js';
import { FrameReader } from './frame-reader.js';
import { requestCodec, responseCodec, type TtrpcRequest, type TtrpcResponse } from './messages.js';
import { metadataFromKeyValues } from './metadata.js';
import type { ServiceRegistry, TtrpcHandler } from './service-registry.js';
import { StatusCode, TtrpcError, statusFromError } from './status.js';

const EMPTY = new Uint8Array(0);

export class ServerConnection {
  readonly #socket: Socket;
  readonly #registry: ServiceRegistry;
  readonly #reader = new FrameReader();
  readonly #inFlight = new Map<number, AbortController>();
  #lastStreamId = 0;
  #draining = false;
  /** Settles once the socket is fully closed. */
  readonly closed: Promise<void>;

  constructor(socket: Socket, registry: ServiceRegistry) {
    this.#socket = socket;
    this.#registry = registry;
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        resolve();
      });
    });
    socket.on('data', (chunk: Buffer) => {
      this.#onData(chunk);
    });
    // A peer that vanishes surfaces as EPIPE/ECONNRESET; 'close' follows and cancels its calls.
    socket.on('error', () => undefined);
    socket.once('close', () => {
      for (const call of this.#inFlight.values()) {
        call.abort(new TtrpcError(StatusCode.CANCELLED, 'ttrpc: connection closed'));
      }
    });
  }

  get inFlightCount(): number {
    return this.#inFlight.size;
  }

  /** Refuses new calls with UNAVAILABLE and closes the connection once the calls in flight are answered. */
  drain(): void {
    this.#draining = true;
    this.#endIfDrained();
  }

  /** Closes at once; the calls in flight see their signal abort. */
  destroy(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    for (const event of this.#reader.push(chunk)) {
      if (event.kind === 'oversize') {
        this.#answerError(
          event.header.streamId,
          new TtrpcError(StatusCode.RESOURCE_EXHAUSTED, oversizeMessage(event.header.length)),
        );
      } else if (event.frame.type === MessageType.Request) {
        this.#onRequest(event.frame);
      }
      // Data frames are dropped: every method served here is unary (a streaming request was refused
      // already). Other message types are ignored for forward compatibility, as Go ttrpc does.
    }
  }

  #onRequest(frame: Frame): void {
    const id = frame.streamId;
    if (id % 2 === 0) {
      this.#answerError(id, invalid('StreamID must be odd for client initiated streams'));
      return;
    }
    if (id <= this.#lastStreamId) {
      this.#answerError(id, invalid('StreamID cannot be re-used and must increment'));
      return;
    }
    this.#lastStreamId = id;

    let request: TtrpcRequest;
    let handler: TtrpcHandler;
    try {
      request = decodeRequestOrThrow(frame.data);
      if (this.#draining) throw new TtrpcError(StatusCode.UNAVAILABLE, 'ttrpc: server closed');
      handler = this.#registry.lookup(request.service, request.method);
      if ((frame.flags & FrameFlag.RemoteOpen) !== 0) {
        throw new TtrpcError(
          StatusCode.UNIMPLEMENTED,
          `method ${request.method}: streaming requests are not supported`,
        );
      }
    } catch (error) {
      this.#answerError(id, error);
      return;
    }
    void this.#run(id, handler, request);
  }

  async #run(id: number, handler: TtrpcHandler, request: TtrpcRequest): Promise<void> {
    const controller = new AbortController();
    this.#inFlight.set(id, controller);
    // 0 means no deadline; a negative one (Go clients send what is left) has already passed.
    const timer =
      request.timeoutNano !== 0
        ? setTimeout(
            () => {
              controller.abort(new TtrpcError(StatusCode.DEADLINE_EXCEEDED, 'ttrpc: deadline exceeded'));
            },
            Math.max(0, Math.ceil(request.timeoutNano / 1e6)),
          )
        : undefined;
    let response: TtrpcResponse;
    try {
      const payload = await handler(request.payload, {
        service: request.service,
        method: request.method,
        metadata: metadataFromKeyValues(request.metadata),
        signal: controller.signal,
      });
      response = { status: { code: StatusCode.OK, message: '', details: [] }, payload };
    } catch (error) {
      response = { status: statusFromError(error), payload: EMPTY };
    } finally {
      clearTimeout(timer);
      this.#inFlight.delete(id);
    }
    // After a timeout the caller may still be waiting (its clock differs): answer, as Go ttrpc does.
    this.#answer(id, response);
    this.#endIfDrained();
  }

  #answerError(id: number, error: unknown): void {
    this.#answer(id, { status: statusFromError(error), payload: EMPTY });
  }

  #answer(id: number, response: TtrpcResponse): void {
    if (!this.#socket.writable) return;
    let data = responseCodec.encode(response);
    if (data.length > MAX_FRAME_DATA_LENGTH) {
      const status = new TtrpcError(StatusCode.RESOURCE_EXHAUSTED, oversizeMessage(data.length)).toStatus();
      data = responseCodec.encode({ status, payload: EMPTY });
    }
    this.#socket.write(encodeFrame({ streamId: id, type: MessageType.Response, flags: 0, data }));
  }

  #endIfDrained(): void {
    if (this.#draining && this.#inFlight.size === 0 && this.#socket.writable) {
      this.#socket.end(() => this.#socket.destroy());
    }
  }
}

function invalid(message: string): TtrpcError {
  return new TtrpcError(StatusCode.INVALID_ARGUMENT, message);
}

function decodeRequestOrThrow(data: Uint8Array): TtrpcRequest {
  try {
    return requestCodec.decode(data);
  } catch (error) {
    throw invalid(`unmarshal request error: ${error instanceof Error ? error.message : String(error)}`);
  }
}
