/**
 * How the node's processes are started: inside its network and mount namespaces, with a PATH of their own.
 * Both namespaces are entered together, so whatever runs there sees the node's network and the node's files
 * (its /etc/containerd and /opt/rcm, the volumes kubelet mounts) as one process on a real node would.
 */

export const NSENTER = '/usr/bin/nsenter';
export const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** A node's namespaces: `ClusterNode` has both fields, so `inNode(cluster.node, …)` works in tests. */
export interface NodeNamespaces {
  /** The node's network namespace (`/run/netns/spkn<i>-0`). */
  readonly netnsPath: string;
  /** The node's pinned mount namespace. */
  readonly mountNamespacePath: string;
}

/** nsenter's arguments that run `binary args…` in the node's network and mount namespaces (and no other). */
export function inNode(node: NodeNamespaces, binary: string, args: readonly string[]): string[] {
  return [`--net=${node.netnsPath}`, `--mount=${node.mountNamespacePath}`, '--', binary, ...args];
}

/** The namespaces of a node's recorded state (its network's netns and its mount namespace pin). */
export function nodeNamespaces(node: {
  readonly network: { readonly netnsPath: string };
  readonly mountNamespacePath: string;
}): NodeNamespaces {
  return { netnsPath: node.network.netnsPath, mountNamespacePath: node.mountNamespacePath };
}
