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

export type ClusterProvider = 'local' | 'kind';
export type { ClusterComponent, RestartComponentOptions };

export interface StartClusterOptions {
  /** `local` (pinned binaries + kwok, the default) or `kind`; `SPINKUBE_CLUSTER_PROVIDER` overrides. */
  readonly provider?: ClusterProvider;
  readonly name?: string;
  readonly dataDir?: string;
  readonly nodes?: number;
  readonly log?: (line: string) => void;
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
