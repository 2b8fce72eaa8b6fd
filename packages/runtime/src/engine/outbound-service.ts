/**
 * The main thread's side of outbound HTTP: performs the requests guests start (node:http, no redirects
 * followed and no decoding, so the guest sees exactly what the server sent) and answers the workers'
 * blocking waits. Requests to the app itself (`http://self`, or a URL without a host) and service chaining
 * (`http://<component>.spin.internal`) never touch the network: they are dispatched to the app directly.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ErrorCode, IncomingRequestInit } from '../host/wasi-http.js';
import type { OutboundRequestData, OutboundResult } from '../host/wasi-outgoing-http.js';
import { OUTBOUND_CALLS } from './outbound-client.js';
import type { CallHandlers } from './sync-call.js';

/** Runs a request inside the app: through the router, or straight to one component. */
export type InternalDispatch = (
  request: IncomingRequestInit,
  componentId?: string,
) => Promise<OutboundResult>;

const INTERNAL_SUFFIX = '.spin.internal';

interface Pending {
  readonly done: Promise<void>;
  result?: OutboundResult;
  readonly abort: AbortController;
}

export class OutboundService {
  private nextId = 1;
  private internal: InternalDispatch | undefined;

  /** Set once the app's HTTP trigger exists (it needs the worker pool that needs this service). */
  setInternalDispatch(dispatch: InternalDispatch): void {
    this.internal = dispatch;
  }

  /** Call handlers for one worker; `dispose()` abandons what that worker started (it is gone). */
  forWorker(): { handlers: CallHandlers; dispose: () => void } {
    const pending = new Map<number, Pending>();
    const handlers = {
      [OUTBOUND_CALLS.start]: ({ request }: { componentId: string; request: OutboundRequestData }) => {
        const id = this.nextId++;
        const abort = new AbortController();
        const entry: Pending = {
          abort,
          done: this.perform(request, abort.signal).then((result) => {
            entry.result = result;
          }),
        };
        pending.set(id, entry);
        return id;
      },
      [OUTBOUND_CALLS.wait]: async ({ ids, timeoutMs }: { ids: number[]; timeoutMs?: number }) => {
        const waits = ids.flatMap((id) => {
          const entry = pending.get(id);
          return entry ? [entry.done] : [];
        });
        if (waits.length === 0) return;
        let timer: NodeJS.Timeout | undefined;
        const timeout =
          timeoutMs === undefined
            ? []
            : [
                new Promise<void>((resolve) => {
                  timer = setTimeout(resolve, timeoutMs);
                }),
              ];
        await Promise.race([...waits, ...timeout]);
        clearTimeout(timer);
      },
      [OUTBOUND_CALLS.take]: ({ id }: { id: number }) => {
        const entry = pending.get(id);
        if (!entry)
          return {
            ok: false,
            error: { tag: 'internal-error', val: 'unknown request' },
          } satisfies OutboundResult;
        if (!entry.result) return undefined;
        pending.delete(id);
        return entry.result;
      },
    };
    return {
      handlers,
      dispose: () => {
        for (const entry of pending.values()) entry.abort.abort();
        pending.clear();
      },
    };
  }

  private perform(request: OutboundRequestData, signal: AbortSignal): Promise<OutboundResult> {
    const url = new URL(request.url);
    const host = url.hostname.toLowerCase();
    if (host === 'self' || host.endsWith(INTERNAL_SUFFIX)) {
      const internal = this.internal;
      if (!internal)
        return Promise.resolve({
          ok: false,
          error: { tag: 'internal-error', val: 'the app is not serving yet' },
        });
      const componentId = host === 'self' ? undefined : host.slice(0, -INTERNAL_SUFFIX.length);
      return internal(
        {
          method: request.method,
          pathWithQuery: `${url.pathname}${url.search}`,
          scheme: 'http',
          authority: url.host,
          headers: request.headers,
          body: request.body ?? new Uint8Array(),
        },
        componentId,
      ).catch((error: unknown) => ({ ok: false, error: { tag: 'internal-error', val: String(error) } }));
    }
    return sendOverNetwork(url, request, signal);
  }
}

function sendOverNetwork(
  url: URL,
  request: OutboundRequestData,
  signal: AbortSignal,
): Promise<OutboundResult> {
  return new Promise((resolve) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    // Node adds no Host header when headers come as a raw list, and guests may not set it: add it here.
    const headers: string[] = ['Host', url.host];
    for (const [name, value] of request.headers) headers.push(name, Buffer.from(value).toString('latin1'));
    const req = send(url, { method: request.method, headers, signal });
    let connectTimer: NodeJS.Timeout | undefined;
    if (request.connectTimeoutMs !== undefined) {
      req.on('socket', (socket) => {
        if (!socket.connecting) return;
        connectTimer = setTimeout(() => {
          req.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' }));
        }, request.connectTimeoutMs);
        socket.once('connect', () => {
          clearTimeout(connectTimer);
        });
      });
    }
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => {
        resolve({ ok: false, error: errorCode(error) });
      });
      res.on('end', () => {
        const responseHeaders: [string, Uint8Array][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          responseHeaders.push([res.rawHeaders[i] ?? '', Buffer.from(res.rawHeaders[i + 1] ?? '', 'latin1')]);
        }
        resolve({
          ok: true,
          status: res.statusCode ?? 0,
          headers: responseHeaders,
          body: Buffer.concat(chunks),
        });
      });
    });
    req.on('error', (error) => {
      clearTimeout(connectTimer);
      resolve({ ok: false, error: errorCode(error) });
    });
    req.end(request.body);
  });
}

/** Maps a Node network error to the wasi:http error-code a guest understands. */
function errorCode(error: Error): ErrorCode {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ECONNREFUSED':
      return { tag: 'connection-refused' };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { tag: 'DNS-error', val: { rcode: 'address not available', infoCode: undefined } };
    case 'ETIMEDOUT':
      return { tag: 'connection-timeout' };
    case 'ECONNRESET':
      return { tag: 'connection-terminated' };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { tag: 'destination-unavailable' };
    default:
      return { tag: 'internal-error', val: error.message };
  }
}
