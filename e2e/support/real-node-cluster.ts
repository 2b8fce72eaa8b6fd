/**
 * A cluster with a real node for one e2e file: test-cluster's local control plane plus a node running the
 * packaged Spin shim (`npx nx run shim:package`) as handler `spin-v2` (or, with `shim: false`, runc only and
 * no RuntimeClass, as a node the runtime-class-manager has not reached yet), kubectl bound to it, and the
 * images the tests share pushed to the node's registry.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { pushImage } from '@spinkube/image-builder';
import {
  busyboxImage,
  runChecked,
  startCluster,
  type NodeContainerd,
  type TestCluster,
} from '@spinkube/test-cluster';

import { kubectlFor, type Kubectl } from './kubectl.ts';

export const PACKAGED_SHIM = join(
  import.meta.dirname,
  '..',
  '..',
  'packages',
  'shim',
  'dist',
  'containerd-shim-spin-v2',
);

export interface RealNodeCluster {
  readonly cluster: TestCluster;
  readonly node: NonNullable<TestCluster['node']>;
  readonly kubeConfig: KubeConfig;
  readonly core: CoreV1Api;
  readonly kubectl: Kubectl;
  readonly kubectlBinary: string;
  /** A busybox image (an ordinary runc container) with a shell that exits on SIGTERM, in the registry. */
  readonly toolboxImage: string;
}

export async function startRealNodeCluster(
  name: string,
  containerd: NodeContainerd,
  options: { readonly shim?: boolean } = {},
): Promise<RealNodeCluster> {
  const withShim = options.shim ?? true;
  if (withShim && !existsSync(PACKAGED_SHIM))
    throw new Error(`${PACKAGED_SHIM} is missing: package the shim first (npx nx run shim:package)`);
  const cluster = await startCluster({
    name,
    realNode: { containerd, ...(withShim ? { shim: PACKAGED_SHIM } : {}) },
    log: (line) => process.stderr.write(`[${name}] ${line}\n`),
  });
  const node = cluster.node;
  if (!node) throw new Error('the cluster has no real node');
  try {
    const { kubectl, binary } = await kubectlFor(cluster.kubeconfigPath);
    const toolboxImage = `${node.registry}/e2e/toolbox:v1`;
    await pushImage(
      await busyboxImage({
        entrypoint: ['/bin/sh', '-c', 'trap "exit 0" TERM; echo toolbox ready; while true; do sleep 1; done'],
      }),
      toolboxImage,
      { insecure: true },
    );
    return {
      cluster,
      node,
      kubeConfig: cluster.kubeConfig,
      core: cluster.kubeConfig.makeApiClient(CoreV1Api),
      kubectl,
      kubectlBinary: binary,
      toolboxImage,
    };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

/** GET with a 5 s timeout: status and body, or undefined while nothing answers. */
export async function get(url: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: await response.text() };
  } catch {
    return undefined;
  }
}

/** The CRI containers (sandboxes and app containers) the node's containerd holds for a pod. */
export async function podContainersOnNode(node: RealNodeCluster['node'], pod: string): Promise<string[]> {
  const stdout = await runChecked(node.containerd.ctr, [
    '--address',
    node.containerd.address,
    '-n',
    'k8s.io',
    'containers',
    'list',
    '-q',
    `labels."io.kubernetes.pod.name"==${pod}`,
  ]);
  return stdout.split('\n').filter((line) => line.trim() !== '');
}

/** GET `url` from inside `pod` (the toolbox image, busybox wget): names resolve through the pod's DNS. */
export function getFromPod(e2e: RealNodeCluster, pod: string, url: string): Promise<string> {
  // No `-T`: this busybox's wget crashes with it.
  return e2e.kubectl(['exec', pod, '--', 'wget', '-qO-', url], { timeoutMs: 30_000 });
}
