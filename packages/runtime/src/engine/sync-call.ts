/**
 * Blocking calls from a guest's worker thread to the main thread. Guests run synchronously (jco's sync
 * instantiation), so when a host function needs something only async I/O can give — an outbound HTTP
 * response, a Redis reply, the process-wide in-memory store — the worker posts the call to main and sleeps
 * on a shared word until main has answered. Written here because the maintained library for this pattern
 * (synckit) blocks main on a worker, the opposite direction.
 */
import { receiveMessageOnPort, type MessagePort, type Transferable } from 'node:worker_threads';
import { GuestErr } from '../host/guest-err.js';

/** What a handler on main may throw to make the host function return `err(payload)` to the guest. */
export class CallErr extends Error {
  constructor(readonly payload: unknown) {
    super('returned err to the guest');
  }
}

/** `scope` names whose handlers answer the call (an app's, in a pool shared by many apps). */
type CallMessage = {
  readonly id: number;
  readonly op: string;
  readonly args: unknown;
  readonly scope?: string;
};
type ReplyMessage =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly payload?: unknown; readonly message?: string };

const WAITING = 0;
const ANSWERED = 1;

/** What host code in a worker calls main through. */
export interface HostCaller {
  call(op: string, args: unknown, transfer?: Transferable[]): unknown;
}

/** The worker's end: `call()` blocks the thread until main answers. */
export class SyncCaller implements HostCaller {
  private nextId = 1;
  private readonly signal: Int32Array;

  constructor(
    private readonly port: MessagePort,
    signalBuffer: SharedArrayBuffer,
    /** Runs before each call blocks the thread (the worker flushes its pending output). */
    private readonly beforeBlocking: () => void = () => undefined,
  ) {
    this.signal = new Int32Array(signalBuffer);
  }

  call(op: string, args: unknown, transfer: Transferable[] = [], scope?: string): unknown {
    const id = this.nextId++;
    this.beforeBlocking();
    Atomics.store(this.signal, 0, WAITING);
    const message: CallMessage = scope === undefined ? { id, op, args } : { id, op, args, scope };
    this.port.postMessage(message, transfer as never);
    for (;;) {
      Atomics.wait(this.signal, 0, WAITING);
      const received = receiveMessageOnPort(this.port);
      // The word flips only after main posted the reply, so it is there; loop defensively all the same.
      if (!received) {
        Atomics.wait(this.signal, 0, ANSWERED, 1);
        continue;
      }
      const reply = received.message as ReplyMessage;
      if (reply.id !== id) continue;
      if (reply.ok) return reply.value;
      if ('payload' in reply) throw new GuestErr(reply.payload);
      throw new Error(reply.message ?? `host call ${op} failed`);
    }
  }

  /** A caller whose calls main answers with `scope`'s handlers (one app's, in a shared pool). */
  scoped(scope: string): HostCaller {
    return { call: (op, args, transfer) => this.call(op, args, transfer, scope) };
  }
}

export type CallHandler = (args: never) => unknown;
export type CallHandlers = Readonly<Record<string, CallHandler>>;
/** Finds the handler of a call by its operation and the caller's scope (undefined: unscoped). */
export type CallRouter = (op: string, scope: string | undefined) => CallHandler | undefined;

/**
 * Main's end: answers each call with its handler's (awaited) result. A handler that throws `CallErr` makes
 * the guest see `err(payload)`; any other error traps the guest with its message.
 */
export function serveSyncCalls(port: MessagePort, signalBuffer: SharedArrayBuffer, route: CallRouter): void {
  const signal = new Int32Array(signalBuffer);
  const answer = (reply: ReplyMessage, transfer: Transferable[] = []) => {
    port.postMessage(reply, transfer as never);
    Atomics.store(signal, 0, ANSWERED);
    Atomics.notify(signal, 0);
  };
  port.on('message', (message: CallMessage) => {
    const handler = route(message.op, message.scope) as ((args: unknown) => unknown) | undefined;
    if (!handler) {
      const of = message.scope === undefined ? '' : ` for app ${message.scope}`;
      answer({ id: message.id, ok: false, message: `no host call ${message.op}${of} (is the app closed?)` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message.args))
      .then(
        (value) => {
          answer({ id: message.id, ok: true, value }, transferablesOf(value));
        },
        (error: unknown) => {
          if (error instanceof CallErr) answer({ id: message.id, ok: false, payload: error.payload });
          else
            answer({
              id: message.id,
              ok: false,
              message: error instanceof Error ? error.message : String(error),
            });
        },
      );
  });
}

/** Byte buffers in a reply move to the worker instead of being copied. */
function transferablesOf(value: unknown): Transferable[] {
  if (value instanceof Uint8Array && value.byteOffset === 0 && value.byteLength === value.buffer.byteLength) {
    return value.buffer instanceof ArrayBuffer ? [value.buffer] : [];
  }
  if (value && typeof value === 'object' && 'body' in value) return transferablesOf(value.body);
  return [];
}
