/**
 * A dedicated local cluster ready for SpinApps: the SpinKube CRDs from the chart (Established), upstream's
 * sample RuntimeClass, and a namespace holding upstream's sample shim executor.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  loadYaml,
  NodeV1Api,
  type V1RuntimeClass,
} from '@kubernetes/client-node';
import { upstreamFixtures } from '@spinkube/dev-cache';
import { installSpinKubeCrds, startCluster, type TestCluster } from '@spinkube/test-cluster';

const samples = await upstreamFixtures('spin-operator-samples');

export const SpinKubeApi = { group: 'core.spinkube.dev', version: 'v1alpha1' } as const;

export async function startBenchCluster(
  name: string,
  namespace: string,
  nodes: number,
): Promise<TestCluster> {
  const cluster = await startCluster({ name, nodes });
  try {
    await installSpinKubeCrds(cluster.kubeConfig);
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
