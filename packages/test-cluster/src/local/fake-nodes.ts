/** Node objects that kwok adopts and keeps Ready, standing in for real machines. */
import type { V1Node } from '@kubernetes/client-node';

/** kwok manages only nodes carrying this annotation with the value `fake`. */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

export function fakeNode(name: string): V1Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/os': 'linux',
        'kubernetes.io/hostname': name,
        'node-role.kubernetes.io/agent': '',
        type: 'kwok',
      },
    },
    spec: {},
    status: {
      allocatable: { cpu: '32', memory: '256Gi', pods: '110' },
      capacity: { cpu: '32', memory: '256Gi', pods: '110' },
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        kernelVersion: '',
        osImage: '',
        containerRuntimeVersion: '',
        kubeletVersion: 'fake',
        kubeProxyVersion: 'fake',
        machineID: '',
        systemUUID: '',
        bootID: '',
      },
      phase: 'Running',
    },
  };
}
