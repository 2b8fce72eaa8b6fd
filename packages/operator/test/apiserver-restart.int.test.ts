/**
 * A crash of the API server must not take the operator down: on its own cluster (so the restart disturbs no
 * other test file), the operator keeps its process, its leadership and its watches through a SIGKILL of
 * kube-apiserver, and reconciles what was created and changed after the restart.
 */
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  NodeV1Api,
  type V1RuntimeClass,
} from '@kubernetes/client-node';
import { installSpinKubeCrds, startCluster, type TestCluster } from '@spinkube/test-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOperatorProcess, type OperatorProcess } from './operator-process.js';
import { sample } from './upstream-samples.js';

const namespace = 'restart';

let cluster: TestCluster;
let operator: OperatorProcess;

beforeAll(async () => {
  cluster = await startCluster({ name: 'spinkube-operator-restart' });
  await installSpinKubeCrds(cluster.kubeConfig);
  await cluster.kubeConfig
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name: namespace } } });
  await cluster.kubeConfig
    .makeApiClient(NodeV1Api)
    .createRuntimeClass({ body: sample('spin-runtime-class.yaml') as unknown as V1RuntimeClass });
  await custom().createNamespacedCustomObject({
    group: 'core.spinkube.dev',
    version: 'v1alpha1',
    namespace,
    plural: 'spinappexecutors',
    body: sample('spin-shim-executor.yaml'),
  });
  operator = await startOperatorProcess({
    kubeconfigPath: cluster.kubeconfigPath,
    namespace,
    leaderElect: true,
  });
  await operator.waitForLog((line) => line['msg'] === 'Successfully acquired lease');
}, 120_000);

afterAll(async () => {
  await operator.stop();
  await cluster.stop();
});

const custom = () => cluster.kubeConfig.makeApiClient(CustomObjectsApi);

async function createApp(name: string, replicas: number): Promise<void> {
  const app = sample('simple.yaml') as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
  await custom().createNamespacedCustomObject({
    group: 'core.spinkube.dev',
    version: 'v1alpha1',
    namespace,
    plural: 'spinapps',
    body: { ...app, metadata: { ...app.metadata, name }, spec: { ...app.spec, replicas } },
  });
}

async function deploymentReplicas(name: string, wanted: number): Promise<void> {
  const apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const replicas = await apps.readNamespacedDeployment({ name, namespace }).then(
      (deployment) => deployment.spec?.replicas,
      () => undefined,
    );
    if (replicas === wanted) return;
    if (Date.now() > deadline)
      throw new Error(`Deployment ${name} has replicas ${String(replicas)}, not ${String(wanted)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('operator across an API server crash', () => {
  it(
    'keeps running and reconciling after kube-apiserver is killed and restarted',
    { timeout: 120_000 },
    async () => {
      await createApp('before', 1);
      await deploymentReplicas('before', 1);

      const restarted = await cluster.restartComponent('kube-apiserver', {
        signal: 'SIGKILL',
        downtimeMs: 3000,
      });
      expect(restarted.pid).not.toBe(restarted.previousPid);

      await createApp('after', 2);
      await deploymentReplicas('after', 2);
      await custom().patchNamespacedCustomObject({
        group: 'core.spinkube.dev',
        version: 'v1alpha1',
        namespace,
        plural: 'spinapps',
        name: 'before',
        body: [{ op: 'replace', path: '/spec/replicas', value: 3 }],
      });
      await deploymentReplicas('before', 3);

      expect(operator.exited).toBe(false);
      expect(operator.logs.some((line) => line['msg'] === 'watch problem')).toBe(true);
      expect(operator.logs.filter((line) => line['msg'] === 'Successfully acquired lease')).toHaveLength(1);
      const ready = await fetch(`http://127.0.0.1:${String(operator.ports.health)}/readyz`);
      expect(ready.status).toBe(200);
    },
  );
});
