/**
 * The liveness and readiness endpoints a controller Deployment's probes call, as controller-runtime serves
 * them: `/healthz` and `/readyz`, each running its named checks (`ping`, always passing, plus whatever the
 * controller adds, e.g. "informers synced"). All passing: 200 `ok`. Any failing: 500, listing every check
 * with `[+]`/`[-]` and the reason it failed, then `<probe> check failed`. `?verbose` lists the checks on
 * success too, `?exclude=<name>` skips one, and `/healthz/<name>` runs a single check.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseBindAddress } from '../metrics/bind-address.js';

/** A check passes unless it throws, rejects, or returns `false`. */
export type HealthCheck = () => unknown;

export type Probe = 'healthz' | 'readyz';

export interface HealthProbeServerOptions {
  /**
   * `host:port` as the `--health-probe-bind-address` flag takes it: `:8081` (every interface) by default,
   * `[::1]:8081` for IPv6, `127.0.0.1:0` for any free port; `0` or empty disables the server.
   */
  readonly bindAddress?: string;
  /** A check that has not answered in this long fails (default 5 s; kubelet's probe timeout is 1 s). */
  readonly checkTimeoutMs?: number;
}

export const DEFAULT_HEALTH_PROBE_BIND_ADDRESS = ':8081';

interface CheckResult {
  readonly name: string;
  readonly error?: string;
}

export class HealthProbeServer {
  private readonly checks: Record<Probe, Map<string, HealthCheck>> = {
    healthz: new Map([['ping', () => true]]),
    readyz: new Map([['ping', () => true]]),
  };
  private server: Server | undefined;

  constructor(private readonly options: HealthProbeServerOptions = {}) {}

  /** Adds a liveness check: failing it makes the kubelet restart the container. */
  addHealthzCheck(name: string, check: HealthCheck): this {
    return this.add('healthz', name, check);
  }

  /** Adds a readiness check: failing it takes the pod out of its Services' endpoints. */
  addReadyzCheck(name: string, check: HealthCheck): this {
    return this.add('readyz', name, check);
  }

  /**
   * Listens on the bind address; resolves with the address actually bound (useful with port 0), or
   * undefined when the bind address disables the server. Rejects if the address cannot be bound.
   */
  async start(): Promise<AddressInfo | undefined> {
    const bindAddress = this.options.bindAddress ?? DEFAULT_HEALTH_PROBE_BIND_ADDRESS;
    // `0` disables the server, and so does an empty address (as controller-runtime treats both).
    const address = bindAddress.trim() === '' ? undefined : parseBindAddress(bindAddress);
    if (!address || this.server) return this.address;
    const server = createServer((request, response) => {
      void this.handle(request, response);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(address.port, address.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    return this.address;
  }

  /** The address being listened on, once started. */
  get address(): AddressInfo | undefined {
    const address = this.server?.address();
    return typeof address === 'object' && address !== null ? address : undefined;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
      server.closeAllConnections();
    });
  }

  private add(probe: Probe, name: string, check: HealthCheck): this {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
      throw new RangeError(`${probe} check "${name}": names are letters, digits, ".", "_" and "-"`);
    }
    if (this.checks[probe].has(name)) throw new RangeError(`${probe} check "${name}" is already registered`);
    this.checks[probe].set(name, check);
    return this;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://probe');
    const [, probeName, checkName, ...rest] = url.pathname.split('/');
    const probe = probeName === 'healthz' || probeName === 'readyz' ? probeName : undefined;
    if (!probe || rest.length > 0 || (request.method !== 'GET' && request.method !== 'HEAD')) {
      reply(response, request, 404, '404 page not found\n');
      return;
    }
    if (checkName) {
      const check = this.checks[probe].get(checkName);
      if (!check) {
        reply(response, request, 404, '404 page not found\n');
        return;
      }
      const result = await this.run(checkName, check);
      if (result.error === undefined) reply(response, request, 200, 'ok');
      else reply(response, request, 500, `internal server error: ${result.error}\n`);
      return;
    }
    const excluded = new Set(url.searchParams.getAll('exclude'));
    const results = await Promise.all(
      [...this.checks[probe]]
        .filter(([name]) => !excluded.has(name))
        .map(([name, check]) => this.run(name, check)),
    );
    const failed = results.some((result) => result.error !== undefined);
    if (!failed && !url.searchParams.has('verbose')) {
      reply(response, request, 200, 'ok');
      return;
    }
    const lines = results.map(({ name, error }) =>
      error === undefined ? `[+]${name} ok` : `[-]${name} failed: ${error}`,
    );
    for (const name of excluded) lines.push(`[+]${name} excluded: ok`);
    lines.push(`${probe} check ${failed ? 'failed' : 'passed'}`);
    reply(response, request, failed ? 500 : 200, `${lines.join('\n')}\n`);
  }

  private async run(name: string, check: HealthCheck): Promise<CheckResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = this.options.checkTimeoutMs ?? 5000;
    try {
      const outcome = await Promise.race([
        Promise.resolve().then(check),
        new Promise((_, reject) => {
          timer = setTimeout(() => {
            reject(new Error(`no answer within ${String(timeoutMs)} ms`));
          }, timeoutMs);
        }),
      ]);
      return outcome === false ? { name, error: 'not ok' } : { name };
    } catch (error) {
      return { name, error: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}

function reply(response: ServerResponse, request: IncomingMessage, status: number, body: string): void {
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'X-Content-Type-Options': 'nosniff',
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}
