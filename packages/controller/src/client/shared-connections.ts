/**
 * One connection pool per API server and identity, as client-go keeps one transport.
 *
 * client-node 2.0 gives every request of its typed clients a new undici Agent (`KubeConfig.createDispatcher`,
 * called from `applySecurityAuthentication`), so every API call opens a TCP connection and does a TLS
 * handshake with the client certificate, and the idle sockets linger until their keep-alive timeout. For a
 * controller that is most of its CPU and memory, and of the API server's: measured with spin-operator at
 * 1,000 SpinApps, operator RSS 635 MB → see packages/operator/README.md, Performance.
 *
 * `shareConnections(kubeConfig)` makes that KubeConfig hand out one Agent per distinct set of connection
 * options (server, CA, client certificate and key, verification, SNI), so a rotated certificate still gets a
 * new pool. It changes only the instance, through the one method client-node exposes for this at runtime;
 * there is no supported option to pass a dispatcher. Remove it once client-node reuses its dispatchers.
 */
import { createHash } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';

type CreateDispatcher = (cluster: unknown, agentOptions: Record<string, unknown>) => unknown;

interface Dispatcher {
  close?: () => Promise<void>;
}

const pools = new WeakMap<KubeConfig, Map<string, unknown>>();

function optionsKey(cluster: unknown, agentOptions: Record<string, unknown>): string {
  const hash = createHash('sha256');
  const server = (cluster as { server?: unknown } | null)?.server;
  hash.update(typeof server === 'string' ? server : '');
  for (const name of ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername']) {
    const value = agentOptions[name];
    hash.update(`\0${name}=`);
    if (value !== undefined) hash.update(Buffer.isBuffer(value) ? value : JSON.stringify(value));
  }
  return hash.digest('base64');
}

/** Makes `kubeConfig`'s typed clients reuse connections; idempotent. Returns `kubeConfig`. */
export function shareConnections(kubeConfig: KubeConfig): KubeConfig {
  if (pools.has(kubeConfig)) return kubeConfig;
  const target = kubeConfig as unknown as { createDispatcher?: CreateDispatcher };
  const original = target.createDispatcher;
  if (typeof original !== 'function') return kubeConfig; // another client-node: nothing to share
  const byOptions = new Map<string, unknown>();
  pools.set(kubeConfig, byOptions);
  target.createDispatcher = (cluster, agentOptions) => {
    const key = optionsKey(cluster, agentOptions);
    if (!byOptions.has(key)) byOptions.set(key, original.call(kubeConfig, cluster, agentOptions));
    return byOptions.get(key);
  };
  return kubeConfig;
}

/**
 * Closes the pooled connections of a KubeConfig given to `shareConnections`, for the KubeConfig's owner
 * once nothing uses it any more: closing waits for requests in flight, watches included.
 */
export async function closeSharedConnections(kubeConfig: KubeConfig): Promise<void> {
  const byOptions = pools.get(kubeConfig);
  if (!byOptions) return;
  const dispatchers = [...byOptions.values()] as (Dispatcher | undefined)[];
  byOptions.clear();
  await Promise.allSettled(dispatchers.map(async (dispatcher) => dispatcher?.close?.()));
}
