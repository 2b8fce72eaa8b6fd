/**
 * One interface over the two providers: `startCluster()` gives a kubeconfig for a real cluster and a
 * `stop()` that removes everything it started.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { TestClusterError } from './errors.js';
import { startKindCluster, stopKindCluster } from './kind/kind-cluster.js';
import {
  restartLocalComponent,
  startLocalCluster,
  stopLocalCluster,
  type ClusterComponent,
  type RestartComponentOptions,
} from './local/local-cluster.js';
import { readState, type LocalClusterState } from './local/state.js';
import { readFileSync } from 'node:fs';
import { hostPathOf, type NodeRoot } from './node/node-mount-namespace.js';
import type { NodeContainerd, RealNodeOptions, RealNodeState } from './node/real-node.js';

export type ClusterProvider = 'local' | 'kind';
export type { ClusterComponent, RestartComponentOptions, NodeContainerd, RealNodeOptions, NodeRoot };

export interface StartClusterOptions {
  /** `local` (pinned binaries + kwok, the default) or `kind`; `SPINKUBE_CLUSTER_PROVIDER` overrides. */
  readonly provider?: ClusterProvider;
  readonly name?: string;
  readonly dataDir?: string;
  readonly nodes?: number;
  /** A real node (local provider only): kubelet, containerd with CRI, kube-proxy, CoreDNS. Needs root. */
  readonly realNode?: boolean | RealNodeOptions;
  readonly log?: (line: string) => void;
}

/** A local cluster's real node. */
export interface ClusterNode {
  readonly name: string;
  /** The node's IP (its kubelet, CoreDNS and NodePorts listen there); reachable from the host. */
  readonly address: string;
  /** The host-side address of the node network, where the API server and the registry listen. */
  readonly hostAddress: string;
  readonly podCidr: string;
  /** The node's network namespace, for `nsenter --net=<path>` (what a process on the node sees). */
  readonly netnsPath: string;
  /**
   * The node's mount namespace, pinned at this file, for `nsenter --mount=<path>`: there `/etc/containerd`
   * and `/opt/rcm` are the node's own. `runChecked(NSENTER, inNode(cluster.node, binary, args))` runs a
   * command in both namespaces, as a process on the node.
   */
  readonly mountNamespacePath: string;
  /** Host paths of what the node sees at `/etc/containerd` and `/opt/rcm`, to read the node's files. */
  readonly nodeRoot: NodeRoot;
  /** The host path of what the node sees at `nodePath` (the same path outside the node's own directories). */
  hostPathOf(nodePath: string): string;
  /** `<host>:<port>` of the registry the node pulls from over plain HTTP; push images there. */
  readonly registry: string;
  readonly containerd: {
    readonly line: NodeContainerd;
    readonly version: string;
    /** containerd's gRPC socket, for `ctr --address <address> -n k8s.io …`. */
    readonly address: string;
    readonly ctr: string;
    /** The config file it reads, a node path: `/etc/containerd/config.toml`. */
    readonly config: string;
  };
  /** Runtime handlers besides runc that the node started with (`spin-v2` when a shim was given). */
  readonly handlers: readonly string[];
  /** The PID of the containerd that runs now (its supervisor starts a new one when it exits). */
  containerdPid(): number;
}

/** A process of the cluster as it runs now (local clusters only). */
export interface ClusterProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
}

/** What `restartComponent` did: the PIDs before and after, and how long the component was gone. */
export interface RestartedComponent {
  readonly name: ClusterComponent;
  readonly previousPid: number;
  readonly pid: number;
  /** From the stop signal until the component (and the API server) was healthy again. */
  readonly unavailableMs: number;
}

export interface TestCluster {
  readonly provider: ClusterProvider;
  readonly name: string;
  readonly kubeconfigPath: string;
  /** A client configuration loaded from `kubeconfigPath`. */
  readonly kubeConfig: KubeConfig;
  /** Where the cluster keeps its files (certificates, etcd data, logs in `logs/`, the state file). */
  readonly dataDir: string;
  /** etcd's client URL (plain http on 127.0.0.1), for tests that act on storage; local clusters only. */
  readonly etcdUrl?: string;
  /** The real node, when started with `realNode`. */
  readonly node?: ClusterNode;
  /** The cluster's processes with their current PIDs, in start order; empty for kind clusters. */
  processes(): readonly ClusterProcess[];
  /**
   * Stops one control-plane process by its PID (SIGTERM, then SIGKILL after `graceMs`; or `signal:
   * 'SIGKILL'` to simulate a crash), waits `downtimeMs`, starts it again with the same binary, arguments
   * and ports, and resolves once it is healthy and the API server answers /readyz. Restarts and `stop()`
   * run one at a time. Local clusters only: kind clusters reject with code `NotSupported`.
   */
  restartComponent(name: ClusterComponent, options?: RestartComponentOptions): Promise<RestartedComponent>;
  stop(): Promise<void>;
}

export async function startCluster(options: StartClusterOptions = {}): Promise<TestCluster> {
  const provider = options.provider ?? providerFromEnv() ?? 'local';
  if (provider === 'kind') {
    if (options.realNode)
      throw new TestClusterError(
        'NotSupported',
        'realNode is for the local provider (kind nodes are real already)',
      );
    const state = await startKindCluster(options);
    return {
      provider,
      name: state.name,
      kubeconfigPath: state.kubeconfigPath,
      kubeConfig: loadKubeConfig(state.kubeconfigPath),
      dataDir: state.dataDir,
      processes: () => [],
      restartComponent: (name) =>
        Promise.reject(
          new TestClusterError(
            'NotSupported',
            `restartComponent('${name}') is not supported for kind clusters (cluster ${state.name}); use the local provider`,
          ),
        ),
      stop: () => stopKindCluster(state),
    };
  }
  return localTestCluster(await startLocalCluster(options));
}

/**
 * A local cluster behind the common interface. Its state changes with every restart; restarts and the stop
 * are queued so a stop never races a restart that is about to start a process.
 */
function localTestCluster(initial: LocalClusterState): TestCluster {
  let state = initial;
  let queue: Promise<unknown> = Promise.resolve();
  const enqueue = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task);
    queue = run.catch(() => undefined);
    return run;
  };
  return {
    provider: 'local',
    name: state.name,
    kubeconfigPath: state.kubeconfigPath,
    kubeConfig: loadKubeConfig(state.kubeconfigPath),
    dataDir: state.dataDir,
    ...(state.ports['etcdClient']
      ? { etcdUrl: `http://127.0.0.1:${String(state.ports['etcdClient'])}` }
      : {}),
    ...(state.node ? { node: clusterNode(state.node) } : {}),
    processes: () => state.processes.map(({ name, pid, logFile }) => ({ name, pid, logFile })),
    restartComponent: (name, options) =>
      enqueue(async () => {
        const previousPid = state.processes.find((p) => p.name === name)?.pid ?? 0;
        const began = performance.now();
        try {
          state = await restartLocalComponent(state, name, options);
        } finally {
          // A restart that failed after starting the new process recorded it on disk; keep stop() aware of it.
          state = readState(state.dataDir) ?? state;
        }
        return {
          name,
          previousPid,
          pid: state.processes.find((p) => p.name === name)?.pid ?? 0,
          unavailableMs: Math.round(performance.now() - began),
        };
      }),
    stop: () => enqueue(() => stopLocalCluster(state)),
  };
}

function clusterNode(node: RealNodeState): ClusterNode {
  return {
    name: node.name,
    address: node.network.nodeAddress,
    hostAddress: node.network.hostAddress,
    podCidr: node.network.podCidr,
    netnsPath: node.network.netnsPath,
    mountNamespacePath: node.mountNamespacePath,
    nodeRoot: node.nodeRoot,
    hostPathOf: (nodePath) => hostPathOf(node.nodeRoot, nodePath),
    registry: node.registry,
    containerd: {
      line: node.containerd.line,
      version: node.containerd.version,
      address: node.containerd.address,
      ctr: node.containerd.ctr,
      config: node.containerd.config,
    },
    handlers: node.handlers,
    containerdPid: () => Number(readFileSync(node.containerd.pidFile, 'utf8').trim()),
  };
}

export function loadKubeConfig(path: string): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(path);
  return kubeConfig;
}

function providerFromEnv(): ClusterProvider | undefined {
  const value = process.env['SPINKUBE_CLUSTER_PROVIDER'];
  if (value === undefined || value === '') return undefined;
  if (value === 'local' || value === 'kind') return value;
  throw new Error(`SPINKUBE_CLUSTER_PROVIDER must be "local" or "kind", not "${value}"`);
}
