/**
 * The real node's KubeletConfiguration: client-certificate and webhook auth (the API server calls it with
 * its kubelet client certificate for logs, exec and port-forward), a serving certificate signed by the
 * cluster CA, cgroupfs under the node's own cgroup root, pod logs in the cluster's directory, and no
 * eviction thresholds (a test machine's disk or memory level must not evict test pods).
 */
import { stringify } from 'yaml';

export interface KubeletSettings {
  readonly nodeAddress: string;
  readonly clientCaFile: string;
  readonly tlsCertFile: string;
  readonly tlsPrivateKeyFile: string;
  readonly cgroupRoot: string;
  readonly containerRuntimeEndpoint: string;
  readonly clusterDns: string;
  readonly podLogsDir: string;
  /** A resolv.conf for `dnsPolicy: Default` pods; the node's own has nothing to offer them. */
  readonly resolvConf: string;
  readonly podCidr: string;
}

export function renderKubeletConfig(settings: KubeletSettings): string {
  return stringify({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: settings.nodeAddress,
    port: 10250,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    healthzPort: 10248,
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: settings.clientCaFile },
    },
    authorization: { mode: 'Webhook' },
    tlsCertFile: settings.tlsCertFile,
    tlsPrivateKeyFile: settings.tlsPrivateKeyFile,
    cgroupDriver: 'cgroupfs',
    cgroupRoot: settings.cgroupRoot,
    containerRuntimeEndpoint: settings.containerRuntimeEndpoint,
    clusterDomain: 'cluster.local',
    clusterDNS: [settings.clusterDns],
    resolvConf: settings.resolvConf,
    podCIDR: settings.podCidr,
    podLogsDir: settings.podLogsDir,
    failSwapOn: false,
    serializeImagePulls: false,
    evictionHard: {
      'memory.available': '0%',
      'nodefs.available': '0%',
      'nodefs.inodesFree': '0%',
      'imagefs.available': '0%',
      'imagefs.inodesFree': '0%',
    },
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    // Pods go quickly when deleted in tests; the node reports status often, so tests see Ready soon.
    nodeStatusUpdateFrequency: '4s',
    shutdownGracePeriod: '0s',
  });
}
