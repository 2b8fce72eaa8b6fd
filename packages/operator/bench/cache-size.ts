/**
 * What the operator's informers watch: the objects of each watched type (listed the way its informers list
 * them, all namespaces), their count and JSON size, and how much of it is `metadata.managedFields`.
 */
import { KubernetesObjectApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { Labels } from '@spinkube/api';
import { SpinKubeApi } from './bench-cluster.ts';

export interface CachedType {
  readonly kind: string;
  readonly count: number;
  readonly jsonBytes: number;
  readonly managedFieldsBytes: number;
}

const WATCHED: readonly { apiVersion: string; kind: string; labelSelector?: string }[] = [
  { apiVersion: `${SpinKubeApi.group}/${SpinKubeApi.version}`, kind: 'SpinApp' },
  { apiVersion: `${SpinKubeApi.group}/${SpinKubeApi.version}`, kind: 'SpinAppExecutor' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Pod', labelSelector: Labels.appName },
];

export async function informerCacheSizes(kubeConfig: KubeConfig): Promise<CachedType[]> {
  const client = KubernetesObjectApi.makeApiClient(kubeConfig);
  const sizes: CachedType[] = [];
  for (const type of WATCHED) {
    const list = await client.list<KubernetesObject>(
      type.apiVersion,
      type.kind,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      type.labelSelector,
    );
    let jsonBytes = 0;
    let managedFieldsBytes = 0;
    for (const item of list.items) {
      jsonBytes += Buffer.byteLength(JSON.stringify(item));
      managedFieldsBytes += Buffer.byteLength(JSON.stringify(item.metadata?.managedFields ?? []));
    }
    sizes.push({ kind: type.kind, count: list.items.length, jsonBytes, managedFieldsBytes });
  }
  return sizes;
}
