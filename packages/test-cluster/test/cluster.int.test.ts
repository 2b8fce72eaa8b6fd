import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AdmissionregistrationV1Api,
  ApiextensionsV1Api,
  AppsV1Api,
  AuthenticationV1Api,
  CoreV1Api,
  Health,
  KubernetesObjectApi,
  loadYaml,
  PatchStrategy,
  type V1ConfigMap,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { ALL_CRDS, CRD_OUTPUT_DIR, spinKubeClients, type SpinApp } from '@spinkube/api';
import { describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueCertificate } from '../src/index.js';
import { useNamespace } from '../src/vitest.js';
import { eventually } from '../src/eventually.js';

const { kubeConfig, namespace } = useNamespace('cluster');
const core = kubeConfig.makeApiClient(CoreV1Api);
const apps = kubeConfig.makeApiClient(AppsV1Api);
const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
const repositoryRoot = join(import.meta.dirname, '..', '..', '..');

describe('local cluster', () => {
  it('answers /readyz', async () => {
    expect(await new Health(kubeConfig).readyz({})).toBe(true);
  });

  it('schedules a 2-replica Deployment onto kwok nodes until it is Available', async () => {
    const labels = { app: 'web' };
    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: 'web', image: 'example.invalid/web:1' }] },
          },
        },
      },
    });
    const deployment = await eventually('Deployment web to be Available with 2 ready replicas', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'web', namespace });
      const available = d.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True');
      return available && d.status?.readyReplicas === 2 ? d : undefined;
    });
    expect(deployment.status?.availableReplicas).toBe(2);
    const pods = await core.listNamespacedPod({ namespace, labelSelector: 'app=web' });
    expect(pods.items).toHaveLength(2);
    for (const pod of pods.items) {
      expect(pod.status?.phase).toBe('Running');
      expect(pod.spec?.nodeName).toMatch(/-node-\d+$/);
    }
  });

  it('garbage-collects a ConfigMap whose owner was deleted', async () => {
    const owner = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'owner' } } });
    await core.createNamespacedConfigMap({
      namespace,
      body: {
        metadata: {
          name: 'dependent',
          ownerReferences: [
            { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata?.uid ?? '' },
          ],
        },
      },
    });
    await core.deleteNamespacedConfigMap({ name: 'owner', namespace });
    const collected = await eventually('the dependent ConfigMap to be garbage-collected', async () => {
      const list = await core.listNamespacedConfigMap({
        namespace,
        fieldSelector: 'metadata.name=dependent',
      });
      return list.items.length === 0;
    });
    expect(collected).toBe(true);
  });

  it('applies server-side with a field manager and reports conflicts between managers', async () => {
    const applied = (value: string): V1ConfigMap => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'applied', namespace },
      data: { key: value },
    });
    const first = await objects.patch(
      applied('a'),
      undefined,
      undefined,
      'first',
      false,
      PatchStrategy.ServerSideApply,
    );
    expect(first.metadata?.managedFields?.map((f) => f.manager)).toContain('first');
    await expect(
      objects.patch(applied('b'), undefined, undefined, 'second', false, PatchStrategy.ServerSideApply),
    ).rejects.toMatchObject({ code: 409 });
    const forced = await objects.patch(
      applied('b'),
      undefined,
      undefined,
      'second',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect(forced.data).toEqual({ key: 'b' });
  });

  it('issues service-account tokens the API server accepts', async () => {
    const token = await core.createNamespacedServiceAccountToken({
      name: 'default',
      namespace,
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    });
    expect(token.status?.token).toBeTruthy();
    const review = await kubeConfig.makeApiClient(AuthenticationV1Api).createTokenReview({
      body: { spec: { token: token.status?.token ?? '' } },
    });
    expect(review.status?.authenticated).toBe(true);
    expect(review.status?.user?.username).toBe(`system:serviceaccount:${namespace}:default`);
  });
});

describe('SpinKube CRDs on the local cluster', () => {
  const extensions = kubeConfig.makeApiClient(ApiextensionsV1Api);
  const clients = spinKubeClients(kubeConfig);

  it('installs the generated CRDs, which become Established', async () => {
    for (const crd of ALL_CRDS) {
      // loadYaml turns the YAML into client-node's typed model; a plain parse would lose `default` and the
      // x-kubernetes-* markers, whose model property names differ from their JSON names.
      const manifest = loadYaml<V1CustomResourceDefinition>(
        readFileSync(join(repositoryRoot, CRD_OUTPUT_DIR, crd.fileName), 'utf8'),
      );
      await objects.patch(
        manifest,
        undefined,
        undefined,
        'spinkube-test',
        true,
        PatchStrategy.ServerSideApply,
      );
    }
    for (const crd of ALL_CRDS) {
      const name = `${crd.resource.plural}.${crd.resource.group}`;
      const established = await eventually(`${name} to be Established`, async () => {
        const read = await extensions.readCustomResourceDefinition({ name });
        return read.status?.conditions?.find((c) => c.type === 'Established' && c.status === 'True');
      });
      expect(established.status).toBe('True');
    }
  });

  it('stores a SpinApp through the typed client, with CRD defaults, status and server-side apply', async () => {
    const app: SpinApp = {
      metadata: { name: 'simple', namespace },
      spec: {
        executor: 'containerd-shim-spin',
        image: 'ghcr.io/spinkube/containerd-shim-spin/examples/spin-rust-hello:v0.13.0',
        replicas: 1,
      },
    };
    const created = await eventually('the SpinApp kind to be served', () => clients.spinApps.create(app));
    expect(created.metadata?.uid).toBeTruthy();
    // The API server applies CRD defaults on read too; right after a CRD is established its handler may
    // still be catching up, so wait for the default to show.
    const read = await eventually('spec.enableAutoscaling to default to false', async () => {
      const current = await clients.spinApps.get('simple', namespace);
      return current?.spec?.enableAutoscaling === false ? current : undefined;
    });
    expect(read.spec?.image).toBe(app.spec?.image);
    expect((await clients.spinApps.list(namespace)).map((a) => a.metadata?.name)).toEqual(['simple']);

    const withStatus = await clients.spinApps.patchStatus('simple', namespace, {
      readyReplicas: 1,
      activeScheduler: 'containerd-shim-spin',
    });
    expect(withStatus.status?.readyReplicas).toBe(1);

    const applied = await clients.spinApps.apply(
      {
        metadata: { name: 'simple', namespace },
        spec: { executor: 'containerd-shim-spin', image: 'img:2', replicas: 3 },
      },
      { fieldManager: 'spinkube-test', force: true },
    );
    expect(applied.spec?.replicas).toBe(3);
    expect(await clients.spinApps.delete('simple', namespace)).toBe(true);
    expect(await clients.spinApps.get('simple', namespace)).toBeUndefined();
    expect(await clients.spinApps.delete('simple', namespace)).toBe(false);
  });

  it('rejects a SpinApp that breaks the schema, naming the field', async () => {
    const bad = {
      metadata: { name: 'bad', namespace },
      spec: { executor: 'x', image: 'y', replicas: 'many' },
    } as unknown as SpinApp;
    const error = await clients.spinApps.create(bad).then(
      () => undefined,
      (e: unknown) => e as { code: number; body: string },
    );
    expect(error?.code).toBe(422);
    expect(error?.body).toContain('spec.replicas');
  });
});

describe('admission webhooks served from the host', () => {
  it('calls a ValidatingWebhookConfiguration with a URL and caBundle, and its denial reaches the client', async () => {
    const ca = await createCertificateAuthority('webhook-test-ca');
    const serving = await issueCertificate(ca, {
      commonName: '127.0.0.1',
      usage: 'server',
      ipAddresses: ['127.0.0.1'],
    });
    const calls: string[] = [];
    const server = createServer({ cert: serving.certPem, key: serving.keyPem }, (req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const review = JSON.parse(body) as { request: { uid: string; name?: string } };
        calls.push(review.request.name ?? '');
        res.setHeader('Content-Type', 'application/json');
        res.end(
          JSON.stringify({
            apiVersion: 'admission.k8s.io/v1',
            kind: 'AdmissionReview',
            response: {
              uid: review.request.uid,
              allowed: false,
              status: { code: 403, message: 'denied by the test webhook' },
            },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const admission = kubeConfig.makeApiClient(AdmissionregistrationV1Api);
    const name = `deny-${namespace}`;
    try {
      await admission.createValidatingWebhookConfiguration({
        body: {
          metadata: { name },
          webhooks: [
            {
              name: 'deny.spinkube.dev',
              clientConfig: {
                url: `https://127.0.0.1:${String(port)}/validate`,
                caBundle: Buffer.from(ca.certPem).toString('base64'),
              },
              rules: [
                { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] },
              ],
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
              objectSelector: { matchLabels: { 'spinkube.dev/webhook-test': 'deny' } },
              sideEffects: 'None',
              admissionReviewVersions: ['v1'],
              failurePolicy: 'Fail',
            },
          ],
        },
      });
      const denied = { metadata: { name: 'denied', labels: { 'spinkube.dev/webhook-test': 'deny' } } };
      const error = await eventually('the webhook to deny a ConfigMap', async () => {
        try {
          await core.createNamespacedConfigMap({ namespace, body: denied });
          await core.deleteNamespacedConfigMap({ name: 'denied', namespace });
          return undefined;
        } catch (e) {
          return e as { code: number; body: string };
        }
      });
      expect(error.code).toBe(403);
      expect(error.body).toContain(
        'admission webhook \\"deny.spinkube.dev\\" denied the request: denied by the test webhook',
      );
      expect(calls).toContain('denied');
    } finally {
      await admission.deleteValidatingWebhookConfiguration({ name }).catch(() => undefined);
      server.close();
    }
  });
});
