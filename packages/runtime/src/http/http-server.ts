/**
 * The HTTP trigger: a node:http server that routes each request to a component and runs it in a fresh
 * instance (Spin's isolation: no guest state survives a request). Spin's own endpoints answer under
 * `/.well-known/spin/`; a path no route matches gets 404; a guest that traps or sets no response gets 500
 * and the server keeps serving.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';
import type { RequestExecutor } from '../engine/worker-pool.js';
import type { OutboundResult } from '../host/wasi-outgoing-http.js';
import type { ErrorCode, IncomingRequestInit, ResponseTarget } from '../host/wasi-http.js';
import type { Router } from './router.js';
import { spinRequestHeaders } from './spin-headers.js';

export interface HttpTriggerOptions {
  readonly router: Router;
  /** Runs a request on a fresh instance of a component (the worker pool). */
  readonly executor: RequestExecutor;
  /** The application base path (`/` by default). */
  readonly basePath: string;
  readonly appName: string;
  readonly appVersion?: string;
  /** Where guest failures are reported (component id and what went wrong). */
  readonly onGuestError?: (componentId: string, error: unknown) => void;
}

/**
 * Where the trigger listens: an address, or a server that is already listening (the shim gets one made
 * inside the pod's network namespace by another process); its listening socket is taken over, and closed
 * with the trigger.
 */
export type ListenTarget = { readonly host: string; readonly port: number } | { readonly server: NetServer };

export interface RunningHttpTrigger {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

const WELL_KNOWN = '/.well-known/spin/';

export async function startHttpTrigger(
  options: HttpTriggerOptions,
  listen: ListenTarget,
): Promise<RunningHttpTrigger> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      options.onGuestError?.('(host)', error);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  const given = 'server' in listen ? listen.server : undefined;
  if (given && !given.listening) {
    throw new Error('the server to serve on is not listening; call listen() on it first');
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const listening = () => {
      server.off('error', reject);
      resolve();
    };
    // Node reuses a listening server's handle: connections now come to this server instead.
    if (given) server.listen(given, listening);
    else if ('port' in listen) server.listen(listen.port, listen.host, listening);
  });
  return {
    server,
    url: urlOf(server.address()),
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
        // Its handle is closed already; this lets the given server's owner see it close.
        given?.close();
      }),
  };
}

function urlOf(address: AddressInfo | string | null): string {
  if (typeof address === 'string') return `http://unix:${address}:`;
  if (!address) return 'http://localhost';
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${String(address.port)}`;
}

async function handle(options: HttpTriggerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rawUrl = req.url ?? '/';
  const path = rawUrl.split('?')[0] ?? '/';
  if (path.startsWith(WELL_KNOWN)) {
    wellKnown(options, path, res);
    return;
  }
  const match = options.router.match(path);
  if (!match) {
    res.writeHead(404).end();
    return;
  }

  const body = await bodyOf(req);
  const authority =
    req.headers.host ?? `${req.socket.localAddress ?? 'localhost'}:${String(req.socket.localPort ?? 80)}`;
  const headers: [string, Uint8Array][] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    // spin-* headers are the runtime's to set: a client must not be able to forge them.
    if (name.toLowerCase().startsWith('spin-')) continue;
    headers.push([name, Buffer.from(req.rawHeaders[i + 1] ?? '')]);
  }
  const spinHeaders = spinRequestHeaders(match, {
    fullUrl: `http://${authority}${rawUrl}`,
    basePath: options.basePath,
    clientAddr: `${req.socket.remoteAddress ?? ''}:${String(req.socket.remotePort ?? 0)}`,
  });
  for (const [name, value] of spinHeaders) headers.push([name, Buffer.from(value)]);

  const request: IncomingRequestInit = {
    method: req.method ?? 'GET',
    pathWithQuery: rawUrl,
    scheme: 'http',
    authority,
    headers,
    body,
  };
  const outcome = await options.executor.run(
    match.componentId,
    request,
    nodeResponseTarget(res),
    body === 'streamed' ? (req[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>) : undefined,
  );
  if (outcome.error !== undefined) options.onGuestError?.(match.componentId, new Error(outcome.error));
  if (!outcome.responded) {
    if (outcome.error === undefined) {
      options.onGuestError?.(
        match.componentId,
        new Error('the component returned without setting a response'),
      );
    }
    if (!res.headersSent) res.writeHead(500).end();
    else res.destroy();
  } else if (outcome.error !== undefined && !res.writableEnded) {
    // The response was under way when the guest failed: cut it off so the client sees it is incomplete.
    res.destroy();
  } else if (!res.writableEnded) {
    // The instance cannot run again once handle() returned: whatever it wrote is the whole body.
    res.end();
  }
}

/**
 * Runs a request the app sends to itself (`http://self/...` through the router, or
 * `http://<component>.spin.internal/...` straight to a component) and collects the response.
 */
export async function dispatchInternal(
  options: HttpTriggerOptions,
  request: IncomingRequestInit,
  componentId?: string,
): Promise<OutboundResult> {
  const path = request.pathWithQuery.split('?')[0] ?? '/';
  let target = componentId;
  let headers = [...request.headers];
  if (target === undefined) {
    const match = options.router.match(path);
    if (!match) return { ok: true, status: 404, headers: [], body: new Uint8Array() };
    target = match.componentId;
    const spinHeaders = spinRequestHeaders(match, {
      fullUrl: `http://${request.authority}${request.pathWithQuery}`,
      basePath: options.basePath,
      clientAddr: '127.0.0.1:0',
    });
    headers = [
      ...headers.filter(([name]) => !name.toLowerCase().startsWith('spin-')),
      ...spinHeaders.map(([name, value]): [string, Uint8Array] => [name, Buffer.from(value)]),
    ];
  }
  let status = 500;
  let responseHeaders: [string, Uint8Array][] = [];
  let failed: ErrorCode | undefined;
  const chunks: Uint8Array[] = [];
  const outcome = await options.executor.run(
    target,
    { ...request, headers },
    {
      start: (s, h) => {
        status = s;
        responseHeaders = h;
      },
      write: (chunk) => chunks.push(chunk),
      end: () => undefined,
      fail: (error) => {
        failed = error;
      },
    },
  );
  if (outcome.error !== undefined) options.onGuestError?.(target, new Error(outcome.error));
  if (failed) return { ok: false, error: failed };
  if (!outcome.responded || outcome.error !== undefined) {
    return { ok: true, status: 500, headers: [], body: new Uint8Array() };
  }
  return { ok: true, status, headers: responseHeaders, body: Buffer.concat(chunks) };
}

function nodeResponseTarget(res: ServerResponse): ResponseTarget {
  return {
    start(status, headers) {
      const flat: string[] = [];
      for (const [name, value] of headers) flat.push(name, Buffer.from(value).toString('latin1'));
      res.writeHead(status, flat);
    },
    write(chunk) {
      res.write(chunk);
    },
    end() {
      res.end();
    },
    fail(error: ErrorCode) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`component error: ${error.tag}\n`);
    },
  };
}

function wellKnown(options: HttpTriggerOptions, path: string, res: ServerResponse): void {
  if (path === `${WELL_KNOWN}health`) {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
  } else if (path === `${WELL_KNOWN}info`) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        name: options.appName,
        version: options.appVersion ?? '',
        runtime: '@spinkube/runtime',
      }),
    );
  } else {
    res.writeHead(404).end();
  }
}

/** Bodies up to this size are read before the guest starts (one message to the worker); larger or
 * chunked ones stream in while it runs. */
const BUFFERED_BODY_LIMIT = 1024 * 1024;

async function bodyOf(req: IncomingMessage): Promise<Uint8Array | 'streamed'> {
  const length = Number(req.headers['content-length'] ?? Number.NaN);
  if (req.headers['transfer-encoding'] === undefined && !(length > 0)) return new Uint8Array();
  if (length <= BUFFERED_BODY_LIMIT) return readBody(req);
  return 'streamed';
}

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
