/**
 * The HTTP trigger: a node:http server that routes each request to a component and runs it in a fresh
 * instance (Spin's isolation: no guest state survives a request). Spin's own endpoints answer under
 * `/.well-known/spin/`; a path no route matches gets 404; a guest that traps or sets no response gets 500
 * and the server keeps serving.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CompiledComponent } from '../component/compiled-component.js';
import { IncomingRequest, ResponseOutparam, type ErrorCode, type ResponseTarget } from '../host/wasi-http.js';
import type { Router } from './router.js';
import { spinRequestHeaders } from './spin-headers.js';

/** A component ready to serve: compiled once, with the host imports bound to it. */
export interface ServedComponent {
  readonly compiled: CompiledComponent;
  readonly imports: object;
}

export interface HttpTriggerOptions {
  readonly router: Router;
  readonly components: ReadonlyMap<string, ServedComponent>;
  /** The application base path (`/` by default). */
  readonly basePath: string;
  readonly appName: string;
  readonly appVersion?: string;
  /** Where guest failures are reported (component id and what went wrong). */
  readonly onGuestError?: (componentId: string, error: unknown) => void;
}

export interface RunningHttpTrigger {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

const WELL_KNOWN = '/.well-known/spin/';

export async function startHttpTrigger(
  options: HttpTriggerOptions,
  host: string,
  port: number,
): Promise<RunningHttpTrigger> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      options.onGuestError?.('(host)', error);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${shownHost}:${String(address.port)}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

async function handle(options: HttpTriggerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const rawUrl = req.url ?? '/';
  const path = rawUrl.split('?')[0] ?? '/';
  if (path.startsWith(WELL_KNOWN)) {
    wellKnown(options, path, res);
    return;
  }
  const match = options.router.match(path);
  const component = match ? options.components.get(match.componentId) : undefined;
  if (!match || !component) {
    res.writeHead(404).end();
    return;
  }

  const body = await readBody(req);
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

  const request = new IncomingRequest({
    method: req.method ?? 'GET',
    pathWithQuery: rawUrl,
    scheme: 'http',
    authority,
    headers,
    body,
  });
  const target = nodeResponseTarget(res);
  const outparam = new ResponseOutparam(target);
  try {
    const instance = component.compiled.instantiate(component.imports);
    const handler = instance['incomingHandler'] as
      { handle(request: IncomingRequest, out: ResponseOutparam): void } | undefined;
    if (!handler) throw new Error('the component does not export wasi:http/incoming-handler');
    handler.handle(request, outparam);
  } catch (error) {
    options.onGuestError?.(match.componentId, error);
    if (!res.headersSent) res.writeHead(500).end();
    else res.destroy();
    return;
  }
  if (!outparam.responded) {
    options.onGuestError?.(match.componentId, new Error('the component returned without setting a response'));
    res.writeHead(500).end();
  } else if (!res.writableEnded) {
    // The instance cannot run again once handle() returned: whatever it wrote is the whole body.
    res.end();
  }
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

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
