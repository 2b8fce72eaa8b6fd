/**
 * The webhook server and its self-managed certificates against a real kube-apiserver, which calls the
 * server on 127.0.0.1 (it runs on this host) through ValidatingWebhookConfigurations with `clientConfig.url`.
 * Each configuration only matches this file's namespace, so other tests' objects never reach these webhooks.
 */
import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import {
  AdmissionregistrationV1Api,
  CoreV1Api,
  type V1ValidatingWebhookConfiguration,
} from '@kubernetes/client-node';
import { useNamespace } from '@spinkube/test-cluster/vitest';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { describeError } from '../src/leader/api-request.js';
import type { AdmissionHandler } from '../src/webhook/admission-review.js';
import { splitPemCertificates } from '../src/webhook/certificate-plan.js';
import { WebhookCertificates, type WebhookCertificatesOptions } from '../src/webhook/webhook-certificates.js';
import { validatingWebhookConfiguration } from '../src/webhook/webhook-configuration.js';
import { WebhookServer } from '../src/webhook/webhook-server.js';

const { kubeConfig, namespace } = useNamespace('webhook');
const core = kubeConfig.makeApiClient(CoreV1Api);
const admission = kubeConfig.makeApiClient(AdmissionregistrationV1Api);

// Cluster-scoped, so named after this run's namespace, and deleted in afterAll.
const CONFIGURATION = `webhook-test-${namespace}`;
const RENEWAL_CONFIGURATION = `webhook-renewal-${namespace}`;
const WEBHOOK = 'deny-labelled.webhook.spinkube.dev';
const RENEWAL_WEBHOOK = 'renewal.webhook.spinkube.dev';
const PATH = '/validate-v1-configmap';

/** Denies ConfigMaps carrying the label `label`, with a message naming it; allows the rest. */
function denyLabelled(label: string): AdmissionHandler {
  return (request) => {
    const object = request.object as { metadata?: { name?: string; labels?: Record<string, string> } };
    const value = object.metadata?.labels?.[label];
    return Promise.resolve({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response:
        value === undefined
          ? { uid: request.uid, allowed: true }
          : {
              uid: request.uid,
              allowed: false,
              status: {
                code: 403,
                message: `ConfigMap ${object.metadata?.name ?? ''} carries ${label}=${value}`,
              },
            },
    });
  };
}

/** Only this file's namespace: the label every namespace gets from the apiserver. */
const thisNamespace = { matchLabels: { 'kubernetes.io/metadata.name': namespace } };
const configMapRules = [
  { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['configmaps'] },
];

function configuration(
  name: string,
  webhook: string,
  port: number,
  objectSelector?: { matchLabels: Record<string, string> },
): V1ValidatingWebhookConfiguration {
  return validatingWebhookConfiguration(
    name,
    [
      {
        name: webhook,
        path: PATH,
        rules: configMapRules,
        namespaceSelector: thisNamespace,
        ...(objectSelector ? { objectSelector } : {}),
        timeoutSeconds: 5,
      },
    ],
    { url: `https://127.0.0.1:${String(port)}` },
  );
}

const managers: WebhookCertificates[] = [];
const servers: WebhookServer[] = [];
const errors: string[] = [];
const issued: string[] = [];
afterAll(async () => {
  // Cluster-scoped objects outlive the namespace: remove them first, while the servers still answer.
  await Promise.all(
    [CONFIGURATION, RENEWAL_CONFIGURATION].map((name) =>
      admission.deleteValidatingWebhookConfiguration({ name }).catch(() => undefined),
    ),
  );
  await Promise.all(managers.map((manager) => manager.stop()));
  await Promise.all(servers.map((server) => server.stop()));
});

function manager(secretName: string, options: Partial<WebhookCertificatesOptions> = {}) {
  const certificates = new WebhookCertificates({
    kubeConfig,
    secretNamespace: namespace,
    secretName,
    // The apiserver reaches the server on 127.0.0.1; the Service names are certified too, as in a cluster.
    service: { name: 'webhook-service' },
    ipAddresses: ['127.0.0.1'],
    validatingWebhookConfigurations: [CONFIGURATION],
    resyncIntervalMs: 300,
    onError: (error) => errors.push(`${secretName}: ${describeError(error)}`),
    onIssued: (action) => issued.push(`${secretName}: ${action}`),
    ...options,
  });
  managers.push(certificates);
  return certificates;
}

async function serve(certificates: WebhookCertificates, handler: AdmissionHandler) {
  const server = new WebhookServer({
    handlers: { [PATH]: handler },
    certificates,
    host: '127.0.0.1',
    port: 0,
    onError: (error) => errors.push(`server: ${describeError(error)}`),
  });
  servers.push(server);
  const { port } = await server.start();
  return { server, port };
}

let configMaps = 0;
/** Creates a ConfigMap as kubectl would; resolves with the apiserver's refusal, or undefined if created. */
async function createConfigMap(labels: Record<string, string>): Promise<string | undefined> {
  const name = `cm-${String(++configMaps)}`;
  try {
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name, namespace, labels } } });
    return undefined;
  } catch (error) {
    return describeError(error).replace(`cm-${String(configMaps)}`, '<name>');
  }
}

async function readSecret(name: string) {
  const secret = await core.readNamespacedSecret({ name, namespace });
  const text = (key: string) => Buffer.from(secret.data?.[key] ?? '', 'base64').toString('utf8');
  return {
    resourceVersion: secret.metadata?.resourceVersion,
    type: secret.type,
    keys: Object.keys(secret.data ?? {}).sort(),
    caCrt: text('ca.crt'),
    tlsCrt: text('tls.crt'),
  };
}

async function caBundles(name: string): Promise<(string | undefined)[]> {
  const read = await admission.readValidatingWebhookConfiguration({ name });
  return (read.webhooks ?? []).map((webhook) =>
    webhook.clientConfig.caBundle === undefined
      ? undefined
      : Buffer.from(webhook.clientConfig.caBundle, 'base64').toString('utf8'),
  );
}

/** The serial of the certificate a new TLS connection to the server is given, verified against `caPem`. */
function presentedSerial(port: number, caPem: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca: caPem }, () => {
      resolve(socket.getPeerCertificate().serialNumber);
      socket.destroy();
    });
    socket.on('error', reject);
  });
}

const serialOf = (pem: string) => new X509Certificate(pem).serialNumber;
const denied = (webhook: string, message: string) =>
  `HTTP 403: admission webhook "${webhook}" denied the request: ${message}`;

let first: WebhookCertificates;
let firstPort = 0;

describe('admission webhooks with self-managed certificates, called by a real apiserver', () => {
  it('issues its certificates into a Secret, injects the caBundle, and the apiserver gets the denial', async () => {
    first = manager('webhook-server-cert');
    await first.start();
    const secret = await readSecret('webhook-server-cert');
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(secret.keys).toEqual(['ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
    expect(new X509Certificate(secret.tlsCrt).subjectAltName).toBe(
      `DNS:webhook-service.${namespace}.svc, DNS:webhook-service.${namespace}.svc.cluster.local, IP Address:127.0.0.1`,
    );
    expect(new X509Certificate(secret.tlsCrt).publicKey.asymmetricKeyDetails).toEqual({
      namedCurve: 'prime256v1',
    });
    expect(first.current()?.certPem).toBe(secret.tlsCrt);
    expect(issued).toEqual(['webhook-server-cert: issue-all']);

    const { port } = await serve(first, denyLabelled('deny'));
    firstPort = port;
    // Registered as a chart would register it: without a caBundle.
    await admission.createValidatingWebhookConfiguration({
      body: configuration(CONFIGURATION, WEBHOOK, port),
    });
    expect(await caBundles(CONFIGURATION)).toEqual([undefined]);

    // The manager's periodic check finds the configuration and injects the CA.
    await vi.waitFor(async () => expect(await caBundles(CONFIGURATION)).toEqual([secret.caCrt]), {
      timeout: 10_000,
      interval: 100,
    });
    expect(first.stats.injected).toBeGreaterThanOrEqual(1);

    // The apiserver picks the configuration up within moments; until then ConfigMaps are simply created.
    await vi.waitFor(
      async () =>
        expect(await createConfigMap({ deny: 'yes' })).toBe(
          denied(WEBHOOK, 'ConfigMap <name> carries deny=yes'),
        ),
      { timeout: 15_000, interval: 200 },
    );
    expect(await createConfigMap({ other: 'label' })).toBeUndefined();
    expect(errors.filter((error) => !error.includes('does not exist'))).toEqual([]);
  });

  it('a second replica on the same Secret serves the same CA and certificate without writing anything', async () => {
    const before = await readSecret('webhook-server-cert');
    const second = manager('webhook-server-cert');
    await second.start();
    expect(second.caBundle).toBe(first.caBundle);
    expect(second.current()).toEqual(first.current());
    expect(second.stats).toMatchObject({ created: 0, renewed: 0, conflicts: 0 });
    await second.sync();
    expect((await readSecret('webhook-server-cert')).resourceVersion).toBe(before.resourceVersion);
    expect(issued).toEqual(['webhook-server-cert: issue-all']);
    await second.stop();
  });

  it('two replicas racing to create the Secret end up with one CA and one certificate', async () => {
    const a = manager('raced-cert', { validatingWebhookConfigurations: [] });
    const b = manager('raced-cert', { validatingWebhookConfigurations: [] });
    await Promise.all([a.start(), b.start()]);
    expect(a.stats.created + b.stats.created).toBe(1);
    expect(a.caBundle).toBe(b.caBundle);
    expect(a.current()).toEqual(b.current());
    const secret = await readSecret('raced-cert');
    expect(a.current()?.certPem).toBe(secret.tlsCrt);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('puts the caBundle back into a configuration re-applied without it', async () => {
    const current = await admission.readValidatingWebhookConfiguration({ name: CONFIGURATION });
    const reapplied = configuration(CONFIGURATION, WEBHOOK, firstPort);
    reapplied.metadata = { name: CONFIGURATION, resourceVersion: current.metadata?.resourceVersion };
    // Counted before the replace: the manager's watch may put the caBundle back before the replace returns.
    const injectedBefore = first.stats.injected;
    await admission.replaceValidatingWebhookConfiguration({ name: CONFIGURATION, body: reapplied });

    await vi.waitFor(async () => expect(await caBundles(CONFIGURATION)).toEqual([first.caBundle]), {
      timeout: 10_000,
      interval: 100,
    });
    expect(first.stats.injected).toBeGreaterThan(injectedBefore);
    await vi.waitFor(
      async () =>
        expect(await createConfigMap({ deny: 'again' })).toBe(
          denied(WEBHOOK, 'ConfigMap <name> carries deny=again'),
        ),
      { timeout: 15_000, interval: 200 },
    );
  });

  it('renews the serving certificate and rotates the CA while the apiserver keeps calling successfully', async () => {
    // Lifetimes in seconds: a serving certificate every 2 s, the CA replaced 8 s in.
    const renewing = manager('renewing-cert', {
      servingValidityMs: 4000,
      renewBeforeMs: 2000,
      caValidityMs: 14_000,
      validatingWebhookConfigurations: [RENEWAL_CONFIGURATION],
    });
    await renewing.start();
    const caAtStart = renewing.caBundle!;
    const { server, port } = await serve(renewing, denyLabelled('deny-renewal'));
    await admission.createValidatingWebhookConfiguration({
      body: configuration(RENEWAL_CONFIGURATION, RENEWAL_WEBHOOK, port, {
        matchLabels: { 'webhook-test': 'renewal' },
      }),
    });
    const labels = { 'webhook-test': 'renewal', 'deny-renewal': 'yes' };
    const expected = denied(RENEWAL_WEBHOOK, 'ConfigMap <name> carries deny-renewal=yes');
    await vi.waitFor(async () => expect(await createConfigMap(labels)).toBe(expected), {
      timeout: 15_000,
      interval: 200,
    });
    const firstSerial = await presentedSerial(port, caAtStart);

    // Keep the apiserver calling through renewals and a CA rotation: every call must come back denied by
    // the webhook, none failing on TLS.
    const outcomes: (string | undefined)[] = [];
    const serials = new Set<string>();
    const deadline = Date.now() + 12_000;
    while (Date.now() < deadline) {
      outcomes.push(await createConfigMap(labels));
      serials.add(await presentedSerial(port, renewing.caBundle!));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(outcomes.filter((outcome) => outcome !== expected)).toEqual([]);
    expect(outcomes.length).toBeGreaterThan(20);

    // Served certificates changed on the same listener, and the CA was replaced with the old one kept.
    expect(serials.size).toBeGreaterThanOrEqual(4);
    expect(await presentedSerial(port, renewing.caBundle!)).not.toBe(firstSerial);
    expect(server.address?.port).toBe(port);
    expect(server.stats.certificateReloads).toBeGreaterThanOrEqual(4);
    expect(renewing.stats.renewed).toBeGreaterThanOrEqual(4);
    const bundle = splitPemCertificates(renewing.caBundle!);
    expect(bundle[0]).not.toBe(splitPemCertificates(caAtStart)[0]);
    expect(issued).toContain('renewing-cert: rotate-ca');
    expect(issued).toContain('renewing-cert: issue-serving');
    expect(await caBundles(RENEWAL_CONFIGURATION)).toEqual([renewing.caBundle]);
    // What is served now is what the Secret holds.
    const secret = await readSecret('renewing-cert');
    expect(await presentedSerial(port, secret.caCrt)).toBe(serialOf(secret.tlsCrt));
    expect(errors.filter((error) => !error.includes('does not exist'))).toEqual([]);
  });
});
