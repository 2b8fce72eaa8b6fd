/**
 * A dedicated local cluster ready for SpinApps: the SpinKube CRDs from the chart (Established), upstream's
 * sample RuntimeClass, and a namespace holding upstream's sample shim executor.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  loadYaml,
  NodeV1Api,
  type V1CustomResourceDefinition,
  type V1RuntimeClass,
} from '@kubernetes/client-node';
import { upstreamFixtures } from '@spinkube/dev-cache';
import { startCluster, type TestCluster } from '@spinkube/test-cluster';

const REPO = join(import.meta.dirname, '..', '..', '..');
const CRD_DIR = join(REPO, 'charts', 'spinkube-crds', 'templates');

const samples = await upstreamFixtures('spin-operator-samples');

export const SpinKubeApi = { group: 'core.spinkube.dev', version: 'v1alpha1' } as const;

export async function startBenchCluster(
  name: string,
  namespace: string,
  nodes: number,
): Promise<TestCluster> {
  const cluster = await startCluster({ name, nodes });
  try {
    await installCrds(cluster);
    const nodeApi = cluster.kubeConfig.makeApiClient(NodeV1Api);
    await nodeApi.createRuntimeClass({ body: sample('spin-runtime-class.yaml') as V1RuntimeClass });
    await cluster.kubeConfig
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: namespace } } });
    const executor = sample('spin-shim-executor.yaml') as { metadata: { name: string } };
    await cluster.kubeConfig.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      ...SpinKubeApi,
      plural: 'spinappexecutors',
      namespace,
      body: { ...executor, metadata: { ...executor.metadata, namespace } },
    });
    return cluster;
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

/** An upstream sample, parsed with client-node's `loadYaml`. */
export function sample(file: string): unknown {
  return loadYaml(samples.text(file));
}

async function installCrds(cluster: TestCluster): Promise<void> {
  const extensions = cluster.kubeConfig.makeApiClient(ApiextensionsV1Api);
  const names: string[] = [];
  for (const file of readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml'))) {
    // loadYaml keeps `default` and x-kubernetes-* fields that a plain YAML parse into the typed model loses.
    const crd = loadYaml<V1CustomResourceDefinition>(readFileSync(join(CRD_DIR, file), 'utf8'));
    await extensions.createCustomResourceDefinition({ body: crd });
    names.push(crd.metadata?.name ?? '');
  }
  for (const name of names) {
    for (let attempt = 0; ; attempt++) {
      const crd = await extensions.readCustomResourceDefinition({ name });
      if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (attempt > 100) throw new Error(`CRD ${name} not Established after 10 s`);
      await sleep(100);
    }
  }
}
