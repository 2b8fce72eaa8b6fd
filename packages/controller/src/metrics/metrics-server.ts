/**
 * Serves a registry at `/metrics` in the Prometheus text format, plain HTTP on `node:http`. Upstream
 * serves `:8080` by default and `0` turns the server off; its chart switches to HTTPS with
 * TokenReview/SubjectAccessReview on `:8443` (`--metrics-secure`), which this server does not do.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { parseBindAddress } from './bind-address.js';

/** controller-runtime's default `--metrics-bind-address`. */
export const DEFAULT_METRICS_BIND_ADDRESS = ':8080';

export interface MetricsServerOptions {
  /** The registry to serve; a manager's `ControllerMetrics.registry`. */
  readonly registry: Registry;
  /** `host:port`, `:port` or `0` (disabled); `:8080` when absent. */
  readonly bindAddress?: string;
  /** Called when gathering the metrics fails (the scrape then gets 500). */
  readonly onError?: (error: unknown) => void;
}

export interface RunningMetricsServer {
  /** Where it listens, e.g. `http://127.0.0.1:8080`; a wildcard host is shown as it is bound. */
  readonly url: string;
  readonly address: AddressInfo;
  close(): Promise<void>;
}

export const METRICS_PATH = '/metrics';

/** Starts listening; resolves once bound, or to `undefined` when the address is `0`. */
export async function startMetricsServer(
  options: MetricsServerOptions,
): Promise<RunningMetricsServer | undefined> {
  const bind = parseBindAddress(options.bindAddress ?? DEFAULT_METRICS_BIND_ADDRESS);
  if (!bind) return undefined;
  const server = createServer((req, res) => {
    void serve(options, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(bind.port, bind.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${String(address.port)}`,
    address,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

async function serve(
  options: MetricsServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== METRICS_PATH) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('404 page not found\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  try {
    const body = await options.registry.metrics();
    res.writeHead(200, { 'content-type': options.registry.contentType });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch (error) {
    options.onError?.(error);
    const message = error instanceof Error ? error.message : String(error);
    res
      .writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
      .end(`error gathering metrics: ${message}\n`);
  }
}
