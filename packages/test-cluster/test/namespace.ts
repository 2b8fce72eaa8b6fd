/**
 * Each test file gets a namespace of its own in the shared cluster, so files running in parallel never see
 * each other's objects; the namespace is deleted when the file ends.
 */
import { randomBytes } from 'node:crypto';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, inject } from 'vitest';
import { loadKubeConfig } from '../src/index.js';

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
