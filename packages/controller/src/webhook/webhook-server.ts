/**
 * The HTTPS server the apiserver calls for admission: POST `<path>` with an AdmissionReview, answered by
 * the handler registered for that path. Everything that can go wrong is answered, never thrown:
 * - a body that is not an AdmissionReview with a request: 400; a body over the size limit: 413; a body
 *   that is not JSON by its Content-Type: 415; an unknown path: 404; another method: 405 (`Allow: POST`);
 *   each with an AdmissionReview body whose response carries the same code and the reason;
 * - a handler that throws or rejects: 200 with `allowed: false`, status code 500 and the error's message, so
 *   the apiserver shows the reason instead of a failed call;
 * - a new certificate (a renewal, a rotated Secret volume) is swapped in with `setSecureContext`: the
 *   listener and open connections stay, new TLS handshakes get the new certificate.
 * HTTP/1.1 only, TLS 1.2 or later; the apiserver needs nothing else.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import { describeError, logErrorToStderr } from '../leader/api-request.js';
import {
  errorReview,
  parseAdmissionReview,
  replyTo,
  type AdmissionHandler,
  type AdmissionReview,
  type ParsedAdmissionReview,
} from './admission-review.js';
import {
  checkServingCertificate,
  sameCertificate,
  type CertificateSource,
  type ServingCertificate,
} from './serving-certificate.js';

/** controller-runtime's webhook port, which upstream spin-operator's Service targets. */
export const DEFAULT_WEBHOOK_PORT = 9443;

/**
 * An object and its previous version, each at most about 1.5 MiB in etcd and larger as JSON, fit with room
 * to spare; anything larger is not something the apiserver sends.
 */
export const DEFAULT_MAX_REQUEST_BYTES = 8 * 1024 * 1024;

export interface WebhookServerOptions {
  /** Handlers by path (`/validate-core-spinkube-dev-v1alpha1-spinapp`); the paths must start with `/`. */
  readonly handlers: Readonly<Record<string, AdmissionHandler>>;
  /** A certificate source (`WebhookCertificates`, `CertificateDirectory`), or a fixed certificate. */
  readonly certificates: CertificateSource | ServingCertificate;
  /** Port to listen on (default 9443); 0 picks a free one. */
  readonly port?: number;
  /** Address to listen on; every interface by default. */
  readonly host?: string;
  /** Request bodies beyond this are refused with 413 (default 8 MiB). */
  readonly maxRequestBytes?: number;
  /** How long `stop()` waits for requests in flight before closing their connections (default 5 s). */
  readonly shutdownGraceMs?: number;
  /** Where handler failures and rejected certificates go; one JSON line on stderr by default. */
  readonly onError?: (error: unknown) => void;
}

export class WebhookServer {
  /** Counters for tests and metrics. */
  readonly stats = { requests: 0, handlerErrors: 0, rejected: 0, certificateReloads: 0 };
  private readonly handlers: ReadonlyMap<string, AdmissionHandler>;
  private readonly source: CertificateSource | undefined;
  private readonly onError: (error: unknown) => void;
  private server: Server | undefined;
  private unsubscribe: (() => void) | undefined;
  private served: ServingCertificate | undefined;

  constructor(private readonly options: WebhookServerOptions) {
    for (const path of Object.keys(options.handlers)) {
      if (!path.startsWith('/')) throw new RangeError(`webhook path "${path}" must start with "/"`);
    }
    this.handlers = new Map(Object.entries(options.handlers));
    this.source = 'current' in options.certificates ? options.certificates : undefined;
    this.onError = options.onError ?? logErrorToStderr('webhook-server');
  }

  /** Listens; resolves with the address bound. Rejects if there is no certificate yet or the port is taken. */
  async start(): Promise<AddressInfo> {
    const running = this.address;
    if (running) return running;
    const certificate = this.source
      ? this.source.current()
      : (this.options.certificates as ServingCertificate);
    if (!certificate) {
      throw new Error('webhook server: no serving certificate yet (start the certificate source first)');
    }
    checkServingCertificate(certificate);
    const server = createServer(tlsOptions(certificate), (request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        // Only the connection can fail here (a client gone mid-body); answer if it can still be answered.
        this.onError(new Error(`webhook server: ${describeError(error)}`, { cause: error }));
        send(response, 500, errorReview({}, 500, describeError(error)));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? DEFAULT_WEBHOOK_PORT, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // A client that fails its handshake (a probe, a port scan) is no error of ours.
    server.on('tlsClientError', () => undefined);
    this.server = server;
    this.served = certificate;
    this.unsubscribe = this.source?.onChange((next) => {
      this.reload(next);
    });
    // A change that landed between reading the certificate and subscribing.
    const latest = this.source?.current();
    if (latest) this.reload(latest);
    return server.address() as AddressInfo;
  }

  /** The address being listened on, once started. */
  get address(): AddressInfo | undefined {
    const address = this.server?.address();
    return typeof address === 'object' && address !== null ? address : undefined;
  }

  /** The certificate new connections get. */
  get certificate(): ServingCertificate | undefined {
    return this.served;
  }

  /**
   * Serves `certificate` to new connections from now on, keeping the listener. A certificate whose key does
   * not match is reported and not used.
   */
  reload(certificate: ServingCertificate): void {
    const server = this.server;
    if (!server || sameCertificate(this.served, certificate)) return;
    try {
      checkServingCertificate(certificate);
      server.setSecureContext(tlsOptions(certificate));
    } catch (error) {
      this.onError(new Error(`webhook server: kept the previous certificate: ${describeError(error)}`));
      return;
    }
    this.served = certificate;
    this.stats.certificateReloads++;
  }

  /**
   * A readiness check that passes once the server completes a TLS handshake with itself, as the apiserver
   * would (the certificate's trust is not judged here).
   */
  startedCheck(timeoutMs = 2000): () => Promise<void> {
    return () => {
      const address = this.address;
      if (!address) return Promise.reject(new Error('webhook server is not listening'));
      const host = address.address === '::' || address.address === '0.0.0.0' ? 'localhost' : address.address;
      return new Promise<void>((resolve, reject) => {
        const socket = connect({ host, port: address.port, rejectUnauthorized: false, timeout: timeoutMs });
        socket.once('secureConnect', () => {
          socket.destroy();
          resolve();
        });
        socket.once('timeout', () => {
          socket.destroy();
          reject(new Error(`webhook server: no TLS handshake within ${String(timeoutMs)} ms`));
        });
        socket.once('error', reject);
      });
    };
  }

  /** Stops listening, lets requests in flight finish for the grace period, then closes what is left. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await new Promise<void>((resolve) => {
      const grace = setTimeout(() => {
        server.closeAllConnections();
      }, this.options.shutdownGraceMs ?? 5000);
      server.close(() => {
        clearTimeout(grace);
        resolve();
      });
      server.closeIdleConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.stats.requests++;
    const path = new URL(request.url ?? '/', 'https://webhook').pathname;
    const handler = this.handlers.get(path);
    if (!handler) {
      this.refuse(response, 404, `no webhook is served at ${path}`);
      return;
    }
    if (request.method !== 'POST') {
      response.setHeader('Allow', 'POST');
      this.refuse(response, 405, `${request.method ?? 'this method'} is not allowed; webhooks take POST`);
      return;
    }
    const contentType = request.headers['content-type'];
    if (contentType !== undefined && !/^application\/json\s*(;|$)/i.test(contentType)) {
      this.refuse(response, 415, `Content-Type is ${contentType}, expected application/json`);
      return;
    }
    const body = await this.readBody(request);
    if (body === undefined) {
      // The rest is read and dropped, so the connection closes cleanly after the answer.
      request.resume();
      this.refuse(response, 413, `request body exceeds ${String(this.maxRequestBytes)} bytes`, true);
      return;
    }
    let parsed: ParsedAdmissionReview;
    try {
      parsed = parseAdmissionReview(body);
    } catch (error) {
      this.refuse(response, 400, `malformed AdmissionReview: ${describeError(error)}`);
      return;
    }
    let review: AdmissionReview;
    try {
      review = replyTo(parsed, await handler(parsed.request));
    } catch (error) {
      this.stats.handlerErrors++;
      const message = error instanceof Error ? error.message : String(error);
      this.onError(new Error(`webhook ${path}: handler failed: ${message}`, { cause: error }));
      review = errorReview(parsed, 500, message);
    }
    send(response, 200, review);
  }

  private get maxRequestBytes(): number {
    return this.options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  }

  /**
   * The body as text, or undefined once it is seen to exceed the limit (buffering stops there; the rest is
   * left for the caller to drop).
   */
  private readBody(request: IncomingMessage): Promise<string | undefined> {
    const limit = this.maxRequestBytes;
    if (Number(request.headers['content-length'] ?? 0) > limit) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size <= limit) {
          chunks.push(chunk);
          return;
        }
        request.off('data', onData).off('end', onEnd).off('error', reject);
        request.pause();
        resolve(undefined);
      };
      const onEnd = () => {
        resolve(Buffer.concat(chunks).toString('utf8'));
      };
      request
        .on('data', onData)
        .once('end', onEnd)
        .once('error', reject)
        .once('close', () => {
          // After 'end' this settles nothing; before it, the client went away mid-body.
          reject(new Error('the client closed the connection before the body ended'));
        });
    });
  }

  private refuse(response: ServerResponse, code: number, message: string, closeConnection = false): void {
    this.stats.rejected++;
    // The rest of an oversized body is not read; the connection cannot carry another request after it.
    if (closeConnection) response.setHeader('Connection', 'close');
    send(response, code, errorReview({}, code, message));
  }
}

function send(response: ServerResponse, code: number, review: AdmissionReview): void {
  if (response.headersSent || response.destroyed) return;
  const body = JSON.stringify(review);
  response.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(body);
}

function tlsOptions(certificate: ServingCertificate) {
  return { cert: certificate.certPem, key: certificate.keyPem, minVersion: 'TLSv1.2' as const };
}
