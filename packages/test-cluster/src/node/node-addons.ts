/**
 * The API objects a real node needs beside its processes: read access for CoreDNS, the `kube-dns` Service
 * (the kubelet's cluster DNS address) pointing at CoreDNS on the node, and the RuntimeClass for the Spin
 * shim's handler (until the runtime-class-manager creates it).
 */
import {
  CoreV1Api,
  DiscoveryV1Api,
  NodeV1Api,
  RbacAuthorizationV1Api,
  type KubeConfig,
} from '@kubernetes/client-node';
import { PlatformNames } from '@spinkube/api';
import { COREDNS_USER } from './node-pki.js';

/** The cluster DNS Service's address, inside the Service CIDR 10.96.0.0/16. */
export const CLUSTER_DNS_IP = '10.96.0.10';
const MANAGED_BY = 'spinkube-test-cluster';

export async function createNodeAddons(
  kubeConfig: KubeConfig,
  options: { nodeAddress: string; spinRuntimeClass: boolean },
): Promise<void> {
  const rbac = kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  await rbac.createClusterRole({
    body: {
      metadata: { name: COREDNS_USER },
      rules: [
        {
          apiGroups: [''],
          resources: ['endpoints', 'services', 'pods', 'namespaces'],
          verbs: ['list', 'watch'],
        },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      ],
    },
  });
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name: COREDNS_USER },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: COREDNS_USER },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: COREDNS_USER }],
    },
  });

  const ports = [
    { name: 'dns', port: 53, protocol: 'UDP' },
    { name: 'dns-tcp', port: 53, protocol: 'TCP' },
  ];
  await kubeConfig.makeApiClient(CoreV1Api).createNamespacedService({
    namespace: 'kube-system',
    body: {
      metadata: { name: 'kube-dns', labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' } },
      // No selector: CoreDNS runs on the node, not as a pod; its endpoint is written below.
      spec: { clusterIP: CLUSTER_DNS_IP, ports: ports.map((p) => ({ ...p, targetPort: 53 })) },
    },
  });
  await kubeConfig.makeApiClient(DiscoveryV1Api).createNamespacedEndpointSlice({
    namespace: 'kube-system',
    body: {
      metadata: {
        name: 'kube-dns-node',
        labels: {
          'kubernetes.io/service-name': 'kube-dns',
          'endpointslice.kubernetes.io/managed-by': MANAGED_BY,
        },
      },
      addressType: 'IPv4',
      endpoints: [{ addresses: [options.nodeAddress], conditions: { ready: true } }],
      ports,
    },
  });

  if (options.spinRuntimeClass)
    await kubeConfig.makeApiClient(NodeV1Api).createRuntimeClass({
      body: { metadata: { name: PlatformNames.runtimeClass }, handler: PlatformNames.runtimeHandler },
    });
}
