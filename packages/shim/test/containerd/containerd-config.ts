/**
 * containerd's config for one harness instance: every path its own, so several instances (one per test
 * file) and the machine's own containerd never share a socket, a database, a snapshot or a bundle.
 */

export interface ContainerdPaths {
  readonly root: string;
  readonly state: string;
  /** The gRPC socket: `ctr --address`, and the `-address` every shim is given. */
  readonly address: string;
  readonly ttrpcAddress: string;
  /** Where the opt plugin installs binaries; without it containerd creates /opt/containerd. */
  readonly opt: string;
}

export type ContainerdLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export function renderContainerdConfig(paths: ContainerdPaths, logLevel: ContainerdLogLevel): string {
  return [
    'version = 2',
    `root = ${JSON.stringify(paths.root)}`,
    `state = ${JSON.stringify(paths.state)}`,
    // CRI is not under test here (a Kubernetes node is the e2e suite's business); the snapshotters cannot
    // work on this machine and only add warnings to the log. (runtime.v1.linux stays: containerd 1.6's
    // task service refuses to load without it.)
    'disabled_plugins = [',
    '  "io.containerd.grpc.v1.cri",',
    '  "io.containerd.snapshotter.v1.aufs",',
    '  "io.containerd.snapshotter.v1.btrfs",',
    '  "io.containerd.snapshotter.v1.devmapper",',
    '  "io.containerd.snapshotter.v1.zfs",',
    ']',
    '',
    '[grpc]',
    `  address = ${JSON.stringify(paths.address)}`,
    '',
    '[ttrpc]',
    `  address = ${JSON.stringify(paths.ttrpcAddress)}`,
    '',
    '[debug]',
    `  level = ${JSON.stringify(logLevel)}`,
    '',
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${JSON.stringify(paths.opt)}`,
    '',
  ].join('\n');
}
