/**
 * Nodes for the manager's tests. kwok nodes run every Job to completion at once (kwok's pod-ready and
 * pod-complete stages), with the real Job controller counting. "Held" nodes are Node objects no kubelet
 * serves: their Job pods stay Pending until the test, standing in for the node's kubelet, reports them
 * Succeeded or Failed with a termination message — the only way to time or fail a Job at will (named as a
 * stand-in: a real kubelet would need a real installer image and node).
 */
import { CoreV1Api, type KubeConfig, type V1Node, type V1Pod } from '@kubernetes/client-node';
import { eventually, fakeNode } from '@spinkube/test-cluster';

export class StandInNodes {
  private readonly core: CoreV1Api;
  private readonly created: string[] = [];

  constructor(
    kubeConfig: KubeConfig,
    private readonly jobNamespace: string,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  /** A node kwok keeps Ready, with these labels. */
  async kwok(name: string, labels: Record<string, string>): Promise<void> {
    const node = fakeNode(name);
    const metadata = node.metadata ?? {};
    metadata.labels = { ...metadata.labels, ...labels };
    node.metadata = metadata;
    await this.create(node);
  }

  /** A node without a kubelet (Job pods wait for `finish`), of the given architecture. */
  async held(name: string, labels: Record<string, string>, architecture = 'amd64'): Promise<void> {
    await this.create({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: { 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': architecture, ...labels },
      },
      status: {
        nodeInfo: {
          architecture,
          operatingSystem: 'linux',
          bootID: '',
          containerRuntimeVersion: '',
          kernelVersion: '',
          kubeProxyVersion: '',
          kubeletVersion: '',
          machineID: '',
          osImage: '',
          systemUUID: '',
        },
      },
    });
  }

  /** The pod of a Job, once the Job controller has made it. */
  async podOf(job: string): Promise<V1Pod> {
    return eventually(`a pod of Job ${job}`, async () => {
      const pods = await this.core.listNamespacedPod({
        namespace: this.jobNamespace,
        labelSelector: `batch.kubernetes.io/job-name=${job}`,
      });
      return pods.items.find((pod) => pod.status?.phase === 'Pending');
    });
  }

  /** Reports the Job's pod finished, as its node's kubelet would: the provisioner exited 0, or failed saying `message`. */
  async finish(job: string, outcome: { readonly failure?: string } = {}): Promise<void> {
    const pod = await this.podOf(job);
    const failed = outcome.failure !== undefined;
    const now = new Date();
    await this.core.replaceNamespacedPodStatus({
      name: pod.metadata?.name ?? '',
      namespace: this.jobNamespace,
      body: Object.assign(pod, {
        status: {
          phase: failed ? 'Failed' : 'Succeeded',
          containerStatuses: [
            {
              name: 'provisioner',
              image: pod.spec?.containers[0]?.image ?? '',
              imageID: '',
              ready: false,
              restartCount: 0,
              state: {
                terminated: {
                  exitCode: failed ? 1 : 0,
                  reason: failed ? 'Error' : 'Completed',
                  ...(failed ? { message: outcome.failure } : {}),
                  startedAt: now,
                  finishedAt: now,
                },
              },
            },
          ],
        },
      }),
    });
  }

  /** Deletes every node this object created. */
  async removeAll(): Promise<void> {
    for (const name of this.created.splice(0)) await this.core.deleteNode({ name }).catch(() => undefined);
  }

  private async create(node: V1Node): Promise<void> {
    await this.core.createNode({ body: node });
    this.created.push(node.metadata?.name ?? '');
  }
}
