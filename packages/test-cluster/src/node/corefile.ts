/**
 * CoreDNS for the cluster's names, on the node's address (the `kube-dns` Service points there). It answers
 * `cluster.local` and reverse lookups of the cluster's networks, and nothing else: there is no `forward`,
 * so no query ever leaves for a resolver the cluster did not create.
 */
export interface CorefileSettings {
  readonly listenAddress: string;
  readonly kubeconfig: string;
  /** Health endpoint (`/health`), loopback inside the node. */
  readonly healthPort: number;
}

export function renderCorefile(settings: CorefileSettings): string {
  return [
    '.:53 {',
    `    bind ${settings.listenAddress}`,
    '    errors',
    `    health 127.0.0.1:${String(settings.healthPort)}`,
    '    kubernetes cluster.local in-addr.arpa ip6.arpa {',
    `        kubeconfig ${settings.kubeconfig}`,
    '        pods insecure',
    '    }',
    '    cache 30',
    '}',
    '',
  ].join('\n');
}
