/**
 * The spin-operator in-cluster, as a user installs it: the CRDs from charts/spinkube-crds and
 * packages/operator/deploy/ applied with kubectl, the operator's image built here (its single executable on
 * the executable base) and pulled by the real node from the local registry. Its webhooks are called by the
 * API server through their Service with the certificates the operator made itself. Upstream's samples
 * `simple.yaml`, `variables.yaml` and `selective-deployment.yaml`, their images swapped for Spin apps of
 * ours, become Available and answer through their Services.
 */
import { AdmissionregistrationV1Api, AppsV1Api } from '@kubernetes/client-node';
import { upstreamFixtures } from '@spinkube/dev-cache';
import { eventually } from '@spinkube/test-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { operatorVersion } from '../packages/operator/scripts/operator-image.ts';
import {
  applyShimExecutor,
  installOperator,
  OPERATOR_DEPLOYMENT,
  OPERATOR_NAMESPACE,
} from './support/operator-install.ts';
import { portForward } from './support/kubectl.ts';
import {
  get,
  getFromPod,
  podContainersOnNode,
  startRealNodeCluster,
  type RealNodeCluster,
} from './support/real-node-cluster.ts';
import { helloApp, pushSpinApp, salutationsApp, variablesApp } from './support/spin-apps.ts';

let e2e: RealNodeCluster;
let operatorRef: string;
let images: { hello: string; variables: string; salutations: string };
const samples = await upstreamFixtures('spin-operator-samples');

/** An upstream sample with `spec.image` pointing at our app. */
function sample(file: string, image: string): string {
  const manifest = parse(samples.text(file)) as { spec: { image: string } };
  manifest.spec.image = image;
  return stringify(manifest);
}

beforeAll(async () => {
  e2e = await startRealNodeCluster('e2e-operator', 'v2');
  const registry = e2e.node.registry;
  operatorRef = await installOperator(e2e);
  images = {
    hello: `${registry}/e2e/simple:v1`,
    variables: `${registry}/e2e/variabletester:v1`,
    salutations: `${registry}/e2e/salutations:v1`,
  };
  await pushSpinApp(helloApp('simple'), images.hello);
  await pushSpinApp(variablesApp, images.variables);
  await pushSpinApp(salutationsApp, images.salutations);
  await e2e.core.createNamespacedPod({
    namespace: 'default',
    body: {
      metadata: { name: 'toolbox' },
      spec: { containers: [{ name: 'toolbox', image: e2e.toolboxImage }] },
    },
  });
});

afterAll(async () => {
  // Undefined when the cluster never came up.
  await (e2e as RealNodeCluster | undefined)?.cluster.stop();
});

describe('the spin-operator in-cluster', () => {
  it('runs from deploy/ with the image built here: Available, its probes and metrics answering', async () => {
    const deployment = await e2e.kubeConfig
      .makeApiClient(AppsV1Api)
      .readNamespacedDeployment({ name: OPERATOR_DEPLOYMENT, namespace: OPERATOR_NAMESPACE });
    expect(deployment.status?.conditions?.find((c) => c.type === 'Available')?.status).toBe('True');
    const pods = await e2e.core.listNamespacedPod({
      namespace: OPERATOR_NAMESPACE,
      labelSelector: 'control-plane=controller-manager',
    });
    const pod = pods.items[0];
    expect(pod?.spec?.containers[0]?.image).toBe(operatorRef);
    expect(pod?.status?.containerStatuses?.[0]?.ready).toBe(true);
    const ip = pod?.status?.podIP ?? '';
    expect((await get(`http://${ip}:8082/readyz`))?.status).toBe(200);
    expect((await get(`http://${ip}:8082/healthz`))?.status).toBe(200);
    const metrics = await eventually('reconcile metrics', async () => {
      const response = await get(`http://${ip}:8080/metrics`);
      return response?.body.includes('controller_runtime_reconcile_total') ? response.body : undefined;
    });
    expect(metrics).toContain('controller_runtime_reconcile_total');
    // Non-root, as the image and the manifests say.
    expect(
      await e2e.kubectl([
        '-n',
        OPERATOR_NAMESPACE,
        'exec',
        `deploy/${OPERATOR_DEPLOYMENT}`,
        '--',
        '/spin-operator',
        '--version',
      ]),
    ).toContain(operatorVersion());
  });

  it('serves its webhooks through their Service with a CA it injected itself', async () => {
    const admission = e2e.kubeConfig.makeApiClient(AdmissionregistrationV1Api);
    const mutating = await admission.readMutatingWebhookConfiguration({
      name: 'spin-operator-mutating-webhook-configuration',
    });
    for (const webhook of mutating.webhooks ?? [])
      expect(webhook.clientConfig.caBundle?.length).toBeGreaterThan(0);
    // The executor goes through both webhooks (defaulting, validation) on its way in.
    await applyShimExecutor(e2e);
    const refused = await e2e
      .kubectl(['apply', '-f', '-'], {
        input: stringify({
          apiVersion: 'core.spinkube.dev/v1alpha1',
          kind: 'SpinApp',
          metadata: { name: 'no-executor' },
          spec: { image: images.hello, replicas: 1, executor: 'missing-executor' },
        }),
      })
      .then(
        () => 'accepted',
        (error: unknown) => String(error),
      );
    // Only the validating webhook knows which executors exist (a CRD schema cannot).
    expect(refused).toContain(
      'The SpinApp "no-executor" is invalid: spec.executor: Invalid value: "missing-executor": executor does not exist in namespace',
    );
  });

  const cases = [
    {
      file: 'simple.yaml',
      name: 'simple-spinapp',
      image: () => images.hello,
      path: '/',
      body: 'Hello from the JS SDK!',
    },
    {
      file: 'variables.yaml',
      name: 'variables-spinapp',
      image: () => images.variables,
      path: '/',
      body: 'Hello, SpinKube!',
    },
    {
      file: 'selective-deployment.yaml',
      name: 'hello-salutation-spinapp',
      image: () => images.salutations,
      path: '/hello',
      body: 'Hello from a tiny component',
    },
  ];

  for (const { file, name, image, path, body } of cases) {
    it(`makes upstream's ${file} Available, answering through its Service by port-forward and by DNS name`, async () => {
      await e2e.kubectl(['apply', '-f', '-'], { input: sample(file, image()) });
      await e2e.kubectl(['wait', '--for=condition=Available', `spinapp/${name}`, '--timeout=120s'], {
        timeoutMs: 130_000,
      });
      const forward = await portForward(e2e.kubectlBinary, e2e.cluster.kubeconfigPath, `svc/${name}`, 80);
      try {
        const response = await eventually(`${name} through kubectl port-forward`, () =>
          get(`http://127.0.0.1:${String(forward.port)}${path}`),
        );
        expect(response.status).toBe(200);
        expect(response.body).toContain(body);
      } finally {
        await forward.stop();
      }
      const fromPod = await eventually(`${name} by its DNS name from a pod`, () =>
        getFromPod(e2e, 'toolbox', `http://${name}.default.svc.cluster.local${path}`),
      );
      expect(fromPod).toContain(body);
    });
  }

  it('keeps only the selected components of selective-deployment.yaml', async () => {
    const forward = await portForward(
      e2e.kubectlBinary,
      e2e.cluster.kubeconfigPath,
      'svc/hello-salutation-spinapp',
      80,
    );
    try {
      expect((await get(`http://127.0.0.1:${String(forward.port)}/goodbye`))?.status).toBe(404);
    } finally {
      await forward.stop();
    }
  });

  it("shows a Spin app's output in kubectl logs", async () => {
    const logs = await eventually('the request in the logs of simple-spinapp', async () => {
      const text = await e2e.kubectl(['logs', 'deployment/simple-spinapp']);
      return text.includes('GET /') ? text : undefined;
    });
    expect(logs).toContain('Serving http://0.0.0.0:80');
  });

  it('removes the pods of a deleted SpinApp, leaving nothing of them on the node', async () => {
    const selector = 'core.spinkube.dev/app-name=simple-spinapp';
    const pods = (
      await e2e.core.listNamespacedPod({ namespace: 'default', labelSelector: selector })
    ).items.map((pod) => pod.metadata?.name ?? '');
    expect(pods.length).toBeGreaterThan(0);
    await e2e.kubectl(['delete', 'spinapp', 'simple-spinapp', '--wait', '--timeout=60s']);
    await eventually('no pods of simple-spinapp', async () => {
      const left = await e2e.core.listNamespacedPod({ namespace: 'default', labelSelector: selector });
      return left.items.length === 0 ? true : undefined;
    });
    for (const pod of pods)
      await eventually(
        `the node's containerd to hold no container of ${pod}`,
        async () => ((await podContainersOnNode(e2e.node, pod)).length === 0 ? true : undefined),
        120_000,
      );
    // The other apps are untouched.
    expect(
      (
        await e2e.core.listNamespacedPod({
          namespace: 'default',
          labelSelector: 'core.spinkube.dev/app-name=variables-spinapp',
        })
      ).items.length,
    ).toBe(1);
  });
});
