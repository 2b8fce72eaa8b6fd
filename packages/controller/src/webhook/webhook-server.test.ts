import { X509Certificate } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:tls';
import { createCertificateAuthority, issueCertificate, type CertificateAuthority } from '@spinkube/pki';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AdmissionHandler, AdmissionRequest } from './admission-review.js';
import type { CertificateSource, ServingCertificate } from './serving-certificate.js';
import { WebhookServer, type WebhookServerOptions } from './webhook-server.js';

let ca: CertificateAuthority;
let certificate: ServingCertificate;
beforeAll(async () => {
  ca = await createCertificateAuthority('webhook-test-ca');
  certificate = await serving();
});

function serving(): Promise<ServingCertificate> {
  return issueCertificate(ca, { commonName: 'webhook', ipAddresses: ['127.0.0.1'], usage: 'server' });
}

const servers: WebhookServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

const allowAll: AdmissionHandler = (request) =>
  Promise.resolve({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: { uid: request.uid, allowed: true },
  });

async function start(options: Partial<WebhookServerOptions> = {}) {
  const errors: string[] = [];
  const server = new WebhookServer({
    handlers: { '/validate': allowAll },
    certificates: certificate,
    host: '127.0.0.1',
    port: 0,
    onError: (error) => errors.push(String(error)),
    ...options,
  });
  servers.push(server);
  const { port } = await server.start();
  return { server, port, errors };
}

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}

function call(
  port: number,
  path: string,
  body: string | undefined,
  options: { method?: string; contentType?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'POST',
        ca: ca.certPem,
        agent: false,
        headers: { 'Content-Type': options.contentType ?? 'application/json', ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // left as text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function review(request: Partial<AdmissionRequest> = {}, apiVersion = 'admission.k8s.io/v1'): string {
  return JSON.stringify({
    apiVersion,
    kind: 'AdmissionReview',
    request: { uid: 'b6a3c6e4-0001', operation: 'CREATE', namespace: 'ns', name: 'app', ...request },
  });
}

/** The serial of the certificate a fresh TLS connection is given. */
function presentedSerial(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca: ca.certPem }, () => {
      resolve(socket.getPeerCertificate().serialNumber);
      socket.destroy();
    });
    socket.on('error', reject);
  });
}

describe('WebhookServer', () => {
  it('routes a POSTed AdmissionReview to the handler for its path and answers with its response', async () => {
    const seen: AdmissionRequest[] = [];
    const { port } = await start({
      handlers: {
        '/validate': (request) => {
          seen.push(request);
          return Promise.resolve({
            apiVersion: 'admission.k8s.io/v1',
            kind: 'AdmissionReview',
            response: { uid: request.uid, allowed: false, status: { code: 403, message: 'no' } },
          });
        },
        '/mutate': allowAll,
      },
    });
    const reply = await call(port, '/validate', review({ object: { kind: 'ConfigMap' } }));
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.body).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'b6a3c6e4-0001', allowed: false, status: { code: 403, message: 'no' } },
    });
    expect(seen).toMatchObject([
      { uid: 'b6a3c6e4-0001', operation: 'CREATE', object: { kind: 'ConfigMap' } },
    ]);
    expect((await call(port, '/mutate', review())).body).toMatchObject({ response: { allowed: true } });
  });

  it('answers in the apiVersion of the request and fills in a uid the handler left out', async () => {
    const { port } = await start({
      handlers: {
        '/validate': () =>
          Promise.resolve({
            apiVersion: 'admission.k8s.io/v1',
            kind: 'AdmissionReview',
            response: { uid: '', allowed: true },
          }),
      },
    });
    const reply = await call(port, '/validate', review({ uid: 'u-2' }, 'admission.k8s.io/v1beta1'));
    expect(reply.body).toEqual({
      apiVersion: 'admission.k8s.io/v1beta1',
      kind: 'AdmissionReview',
      response: { uid: 'u-2', allowed: true },
    });
  });

  it('turns a handler that throws into allowed: false with code 500 and its message, and keeps serving', async () => {
    const { server, port, errors } = await start({
      handlers: {
        '/validate': () => Promise.reject(new Error('executor list failed: connection refused')),
        '/sync-throw': () => {
          throw new TypeError('boom');
        },
        '/ok': allowAll,
      },
    });
    const reply = await call(port, '/validate', review());
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: {
        uid: 'b6a3c6e4-0001',
        allowed: false,
        status: { code: 500, message: 'executor list failed: connection refused' },
      },
    });
    expect((await call(port, '/sync-throw', review())).body).toMatchObject({
      response: { allowed: false, status: { code: 500, message: 'boom' } },
    });
    expect((await call(port, '/ok', review())).body).toMatchObject({ response: { allowed: true } });
    expect(server.stats.handlerErrors).toBe(2);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('/validate: handler failed: executor list failed');
  });

  it('answers a handler that returns no response as a failed call (500)', async () => {
    const { port } = await start({
      handlers: {
        '/validate': () => Promise.resolve({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }),
      },
    });
    expect((await call(port, '/validate', review())).body).toMatchObject({
      response: {
        uid: 'b6a3c6e4-0001',
        allowed: false,
        status: { code: 500, message: 'the webhook handler returned no response' },
      },
    });
  });

  it.each([
    ['not JSON', '{"apiVersion": ', 'malformed AdmissionReview: request body is not JSON'],
    ['not an object', '[]', 'request body is not a JSON object'],
    ['another kind', JSON.stringify({ apiVersion: 'v1', kind: 'Pod' }), 'kind is "Pod"'],
    [
      'an unknown apiVersion',
      JSON.stringify({ apiVersion: 'admission.k8s.io/v2', kind: 'AdmissionReview', request: {} }),
      'apiVersion is "admission.k8s.io/v2"',
    ],
    [
      'no request',
      JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }),
      'the review carries no request',
    ],
    ['no uid', review({ uid: '' }), 'request.uid is missing'],
    ['an unknown operation', review({ operation: 'PATCH' as 'CREATE' }), 'request.operation is "PATCH"'],
  ])('refuses a body that is %s with 400 and the reason', async (_what, body, message) => {
    let called = false;
    const { port } = await start({
      handlers: {
        '/validate': (request) => {
          called = true;
          return allowAll(request);
        },
      },
    });
    const reply = await call(port, '/validate', body);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({
      kind: 'AdmissionReview',
      response: { allowed: false, status: { code: 400 } },
    });
    expect((reply.body as { response: { status: { message: string } } }).response.status.message).toContain(
      message,
    );
    expect(called).toBe(false);
  });

  it('answers 404 for an unknown path and 405 with Allow: POST for another method', async () => {
    const { port } = await start();
    const unknown = await call(port, '/mutate-something', review());
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({
      response: {
        allowed: false,
        status: { code: 404, message: 'no webhook is served at /mutate-something' },
      },
    });
    const get = await call(port, '/validate', undefined, { method: 'GET' });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect((await call(port, '/validate', undefined, { method: 'PUT' })).status).toBe(405);
  });

  it('refuses a body that is not JSON by its Content-Type with 415', async () => {
    const { port } = await start();
    const reply = await call(port, '/validate', review(), { contentType: 'application/yaml' });
    expect(reply.status).toBe(415);
    expect(
      await call(port, '/validate', review(), { contentType: 'application/json; charset=utf-8' }),
    ).toMatchObject({ status: 200 });
  });

  it('refuses a body over the size limit with 413, declared or streamed', async () => {
    const { port } = await start({ maxRequestBytes: 1024 });
    const large = review({ object: { data: 'x'.repeat(4096) } });
    const declared = await call(port, '/validate', large);
    expect(declared.status).toBe(413);
    expect(declared.body).toMatchObject({
      response: { allowed: false, status: { code: 413, message: 'request body exceeds 1024 bytes' } },
    });
    // Chunked, so the size is only known while reading.
    const streamed = await call(port, '/validate', large, { headers: { 'Transfer-Encoding': 'chunked' } });
    expect(streamed.status).toBe(413);
    expect((await call(port, '/validate', review())).status).toBe(200);
  });

  it('swaps in a renewed certificate for new connections without closing the listener', async () => {
    const listeners = new Set<(certificate: ServingCertificate) => void>();
    let current = certificate;
    const source: CertificateSource = {
      current: () => current,
      onChange: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const { server, port } = await start({ certificates: source });
    const before = await presentedSerial(port);
    expect(before).toBe(new X509Certificate(certificate.certPem).serialNumber);

    const renewed = await serving();
    current = renewed;
    for (const listener of listeners) listener(renewed);

    expect(server.address?.port).toBe(port);
    expect(server.stats.certificateReloads).toBe(1);
    expect(await presentedSerial(port)).toBe(new X509Certificate(renewed.certPem).serialNumber);
    expect((await call(port, '/validate', review())).body).toMatchObject({ response: { allowed: true } });
  });

  it('keeps the previous certificate when a new one does not match its key, and says so', async () => {
    const { server, port, errors } = await start();
    const other = await serving();
    server.reload({ certPem: other.certPem, keyPem: certificate.keyPem });
    expect(errors).toEqual([
      expect.stringContaining(
        'kept the previous certificate: the private key does not belong to the certificate',
      ),
    ]);
    expect(await presentedSerial(port)).toBe(new X509Certificate(certificate.certPem).serialNumber);
  });

  it('will not start without a certificate, and its started check passes once it serves TLS', async () => {
    const empty = new WebhookServer({
      handlers: {},
      certificates: { current: () => undefined, onChange: () => () => undefined },
      host: '127.0.0.1',
      port: 0,
    });
    await expect(empty.start()).rejects.toThrow('no serving certificate yet');
    await expect(empty.startedCheck()()).rejects.toThrow('not listening');
    const { server } = await start();
    await expect(server.startedCheck()()).resolves.toBeUndefined();
  });

  it('refuses handler paths that do not start with a slash', () => {
    expect(() => new WebhookServer({ handlers: { validate: allowAll }, certificates: certificate })).toThrow(
      'webhook path "validate" must start with "/"',
    );
  });

  it('listens on 9443 unless told otherwise', async () => {
    const server = new WebhookServer({ handlers: {}, certificates: certificate, host: '127.0.0.1' });
    servers.push(server);
    // The port may be taken on a shared machine; what matters is which one was asked for.
    const outcome = await server.start().then(
      (address) => String(address.port),
      (error: unknown) => String(error),
    );
    expect(outcome).toMatch(/9443/);
  });
});
