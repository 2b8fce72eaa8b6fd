/**
 * A TCP proxy between a client and the real kube-apiserver, for the faults of the network in between: cut
 * every connection and refuse new ones (a partition, or the apiserver going away), or hold connections open
 * while passing nothing (a silently stalled watch). Named as the fake it is: the apiserver and every byte
 * that does flow are real.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

export interface NetworkProxy {
  /** A copy of the kube config whose server is the proxy. */
  readonly kubeConfig: KubeConfig;
  /** Drops every connection and refuses new ones until `restore()`. */
  cut(): void;
  /** Keeps connections open but drops whatever they carry until `restore()`. */
  stall(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startNetworkProxy(kubeConfig: KubeConfig): Promise<NetworkProxy> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('the kube config has no current cluster');
  const target = new URL(cluster.server);
  let mode: 'open' | 'cut' | 'stalled' = 'open';
  const pairs = new Set<[Socket, Socket]>();

  const server: Server = createServer((client) => {
    if (mode === 'cut') {
      client.destroy();
      return;
    }
    const upstream = connect(Number(target.port), target.hostname);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const forget = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', forget).on('close', forget);
    upstream.on('error', forget).on('close', forget);
    // Data is forwarded by hand, not piped, so a stall can hold it back.
    client.on('data', (chunk: Buffer) => {
      if (mode === 'open') upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (mode === 'open') client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const proxied = new KubeConfig();
  proxied.loadFromOptions({
    clusters: kubeConfig.clusters.map((c) =>
      c.name === cluster.name ? { ...c, server: `https://127.0.0.1:${String(port)}` } : c,
    ),
    users: kubeConfig.users,
    contexts: kubeConfig.contexts,
    currentContext: kubeConfig.currentContext,
  });

  return {
    kubeConfig: proxied,
    cut: () => {
      mode = 'cut';
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    stall: () => {
      mode = 'stalled';
    },
    restore: () => {
      mode = 'open';
    },
    close: () =>
      new Promise((resolve) => {
        for (const [client, upstream] of pairs) {
          client.destroy();
          upstream.destroy();
        }
        server.close(() => {
          resolve();
        });
      }),
  };
}
