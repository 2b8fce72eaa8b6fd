/**
 * Every third-party tool the test clusters use, pinned in one place. Bumping a version here rebuilds that
 * tool into a new cache directory on the next run; the old one stays until removed by hand.
 */
export const Versions = {
  /** kube-apiserver, kube-controller-manager, kube-scheduler, built from k8s.io/kubernetes. */
  kubernetes: 'v1.34.3',
  /** CoreDNS, the real node's cluster DNS (a host process in the node's network namespace). */
  coredns: 'v1.14.7',
  /** etcd, built from go.etcd.io/etcd/server/v3. */
  etcd: 'v3.6.16',
  /** The kwok controller, which plays the kubelet for fake nodes. */
  kwok: 'v0.8.0',
  helm3: 'v3.22.0',
  helm4: 'v4.3.1',
  /** containerd for real nodes and the shim's tests: the 1.7 and 2.x lines (Debian's 1.6 is the third). */
  containerd1: 'v1.7.35',
  containerd2: 'v2.2.10',
  /** actionlint, which lints .github/workflows in the test command. */
  actionlint: 'v1.7.12',
  /** kind, for the kind provider on machines with Docker. */
  kind: 'v0.33.0',
  /** Node image the kind provider asks for (same Kubernetes minor as the local cluster). */
  kindNodeImage: 'kindest/node:v1.34.3',
} as const;
