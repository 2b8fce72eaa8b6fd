/**
 * kube-proxy in iptables mode inside the node's namespace. conntrack limits are left alone: they are
 * machine-wide settings a test node must not change. `masqueradeAll` makes traffic to a Service always come
 * back through the node, also between two pods on its bridge.
 */
import { stringify } from 'yaml';

export interface KubeProxySettings {
  readonly kubeconfig: string;
  readonly nodeName: string;
  readonly nodeAddress: string;
  readonly podCidr: string;
}

export function renderKubeProxyConfig(settings: KubeProxySettings): string {
  return stringify({
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    mode: 'iptables',
    clientConnection: { kubeconfig: settings.kubeconfig },
    hostnameOverride: settings.nodeName,
    bindAddress: settings.nodeAddress,
    healthzBindAddress: '127.0.0.1:10256',
    metricsBindAddress: '127.0.0.1:10249',
    clusterCIDR: settings.podCidr,
    iptables: { masqueradeAll: true },
    conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' },
  });
}
