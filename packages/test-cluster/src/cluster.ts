/**
 * One interface over the two providers: `startCluster()` gives a kubeconfig for a real cluster and a
 * `stop()` that removes everything it started.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { startKindCluster, stopKindCluster } from './kind/kind-cluster.js';
import { startLocalCluster, stopLocalCluster } from './local/local-cluster.js';

export type ClusterProvider = 'local' | 'kind';

export interface StartClusterOptions {
  /** `local` (pinned binaries + kwok, the default) or `kind`; `SPINKUBE_CLUSTER_PROVIDER` overrides. */
  readonly provider?: ClusterProvider;
  readonly name?: string;
  readonly dataDir?: string;
  readonly nodes?: number;
  readonly log?: (line: string) => void;
}

export interface TestCluster {
  readonly provider: ClusterProvider;
  readonly name: string;
  readonly kubeconfigPath: string;
  /** A client configuration loaded from `kubeconfigPath`. */
  readonly kubeConfig: KubeConfig;
  /** etcd's client URL (plain http on 127.0.0.1), for tests that act on storage; local clusters only. */
  readonly etcdUrl?: string;
  stop(): Promise<void>;
}

export async function startCluster(options: StartClusterOptions = {}): Promise<TestCluster> {
  const provider = options.provider ?? providerFromEnv() ?? 'local';
  const started =
    provider === 'kind'
      ? await startKindCluster(options).then((state) => ({ ...state, stop: () => stopKindCluster(state) }))
      : await startLocalCluster(options).then((state) => ({ ...state, stop: () => stopLocalCluster(state) }));
  return {
    provider,
    name: started.name,
    kubeconfigPath: started.kubeconfigPath,
    kubeConfig: loadKubeConfig(started.kubeconfigPath),
    ...('ports' in started && started.ports['etcdClient']
      ? { etcdUrl: `http://127.0.0.1:${String(started.ports['etcdClient'])}` }
      : {}),
    stop: started.stop,
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
