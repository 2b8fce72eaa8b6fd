/**
 * Vitest helpers for packages whose integration tests need a real cluster: a global setup that starts one
 * cluster for the run and hands its kubeconfig to every test file, and a namespace per test file, so files
 * running in parallel never see each other's objects (deleted when the file ends).
 */
import { randomBytes } from 'node:crypto';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, inject } from 'vitest';
import type { TestProject } from 'vitest/node';
import { loadKubeConfig, startCluster, type TestCluster } from './index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfigPath: string;
    /** etcd's client URL; empty for clusters whose etcd tests cannot reach (kind). */
    etcdUrl: string;
  }
}

/**
 * `export const { setup, teardown } = clusterGlobalSetup('my-package-test')` in a vitest global setup
 * file. The name keeps packages' clusters apart when their tests run at the same time.
 */
export function clusterGlobalSetup(name: string): {
  setup: (project: TestProject) => Promise<void>;
  teardown: () => Promise<void>;
} {
  let cluster: TestCluster | undefined;
  return {
    setup: async (project) => {
      cluster = await startCluster({ name, log: (line) => process.stderr.write(`[cluster] ${line}\n`) });
      project.provide('kubeconfigPath', cluster.kubeconfigPath);
      project.provide('etcdUrl', cluster.etcdUrl ?? '');
    },
    teardown: async () => {
      await cluster?.stop();
    },
  };
}

export interface NamespaceContext {
  readonly kubeConfig: KubeConfig;
  readonly kubeconfigPath: string;
  readonly namespace: string;
}

export function useNamespace(prefix: string): NamespaceContext {
  const kubeconfigPath = inject('kubeconfigPath');
  const kubeConfig = loadKubeConfig(kubeconfigPath);
  const namespace = `${prefix}-${randomBytes(3).toString('hex')}`;
  const core = kubeConfig.makeApiClient(CoreV1Api);
  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });
  afterAll(async () => {
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });
  return { kubeConfig, kubeconfigPath, namespace };
}

/**
 * Compacts etcd up to its current revision (through etcd's JSON gateway), so watches from any older
 * resourceVersion fail with 410 Gone, as after a long disconnection in production.
 */
export async function compactEtcd(): Promise<void> {
  const etcdUrl = inject('etcdUrl');
  if (!etcdUrl) throw new Error('this cluster does not expose etcd to tests');
  const range = await fetch(`${etcdUrl}/v3/kv/range`, {
    method: 'POST',
    body: JSON.stringify({ key: Buffer.from('/').toString('base64') }),
  });
  const { header } = (await range.json()) as { header: { revision: string } };
  const compaction = await fetch(`${etcdUrl}/v3/kv/compaction`, {
    method: 'POST',
    body: JSON.stringify({ revision: header.revision, physical: true }),
  });
  if (!compaction.ok) throw new Error(`etcd compaction failed: ${await compaction.text()}`);
}
