/**
 * A real Kubernetes node on this machine, beside the local control plane: containerd with CRI (under a
 * supervisor that restarts it), kubelet, kube-proxy and CoreDNS, all in the node's own network and mount
 * namespaces (the latter gives the node its own /etc/containerd and /opt/rcm) and cgroup tree, with a local registry that containerd pulls from over plain HTTP, a pause image built here,
 * CNI from Debian's plugins, and optionally the Spin shim registered as runtime handler `spin-v2` (with the
 * RuntimeClass `wasmtime-spin-v2`). `prepareRealNode` runs before the API server starts (the API server
 * listens on the node network's host address); `startRealNode` after it is ready.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Resolver } from 'node:dns/promises';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { PlatformNames } from '@spinkube/api';
import type { CertificateAuthority } from '@spinkube/pki';
import { TestClusterError } from '../errors.js';
import { freePort } from '../local/ports.js';
import { waitFor, type StartedProcess } from '../local/processes.js';
import { REGISTRY_BINARY } from '../registry/local-registry.js';
import { PAUSE_IMAGE } from './busybox-image.js';
import { createNodeAddons } from './node-addons.js';
import { NSENTER } from './node-commands.js';
import { startNodeComponents } from './node-components.js';
import { CNI_BIN, containerdBinaries, startNodeContainerd } from './node-containerd.js';
import {
  createNodeMountNamespace,
  NODE_CONTAINERD_CONFIG,
  removeNodeMountNamespace,
  type NodeRoot,
} from './node-mount-namespace.js';
import { createNodeNetwork, removeNodeNetwork, type NodeNetwork } from './node-network.js';
import { writeNodePki, type NodePkiFiles } from './node-pki.js';
import { startNodeRegistry } from './node-registry.js';

/** Which containerd the node runs: the pinned 1.7 or 2.x build, or Debian's 1.6 (older CRI, not in the e2e suite). */
export type NodeContainerd = 'v1' | 'v2' | 'debian';

export interface RealNodeOptions {
  /** `v2` (containerd v2.2, what kind and current clusters run) unless given. */
  readonly containerd?: NodeContainerd;
  /**
   * `containerd-shim-spin-v2` to register as handler `spin-v2` (with RuntimeClass `wasmtime-spin-v2`).
   * Without it the node runs runc only and no RuntimeClass exists: a node for the runtime-class-manager to
   * install the shim on.
   */
  readonly shim?: string;
}

export interface RealNodeState {
  readonly name: string;
  readonly network: NodeNetwork;
  /** The node's cgroup tree, `/spinkube-<i>`: kubelet's cgroupRoot, and where every node process runs. */
  readonly cgroupRoot: string;
  /** The node's files (configs, containerd's root and state, kubelet's root dir, pod logs). */
  readonly dir: string;
  /**
   * The node's mount namespace, pinned at this file (`nsenter --mount=`); every node process runs in it. In
   * it `/etc/containerd` and `/opt/rcm` are the node's own (`nodeRoot`); all else is the host's.
   */
  readonly mountNamespacePath: string;
  /** Host paths of what the node sees at `/etc/containerd` and `/opt/rcm`. */
  readonly nodeRoot: NodeRoot;
  readonly containerd: {
    readonly line: NodeContainerd;
    readonly version: string;
    /** The config it reads, a path in the node (`hostPathOf` gives the host's). */
    readonly config: string;
    readonly address: string;
    /** The containerd binary. */
    readonly binary: string;
    /** `ctr` of the same release, for `ctr --address <address> -n k8s.io …`. */
    readonly ctr: string;
    /** The release's runc shim; none for Debian's, whose is on the system PATH. */
    readonly runcShim?: string;
    /** The supervisor writes the running containerd's PID here. */
    readonly pidFile: string;
  };
  /** `<host address>:<port>` of the node's registry (plain HTTP), for image references. */
  readonly registry: string;
  readonly pauseImage: string;
  /** Runtime handlers besides runc (`spin-v2` with a shim). */
  readonly handlers: readonly string[];
  readonly podLogsDir: string;
}

/** Creates the node's network, files and identities; the control plane then listens on `network.hostAddress`. */
export async function prepareRealNode(
  dataDir: string,
  clusterName: string,
  options: RealNodeOptions,
  log: (line: string) => void,
): Promise<RealNodeState> {
  const line = options.containerd ?? 'v2';
  if (process.getuid?.() !== 0)
    throw new TestClusterError(
      'NotSupported',
      'a real node needs root (it creates network namespaces, cgroups and mounts): run as root or through sudo',
    );
  if (options.shim !== undefined && !existsSync(options.shim))
    throw new TestClusterError(
      'BinaryMissing',
      `the Spin shim ${options.shim} does not exist (build it with: npx nx run shim:package)`,
    );
  const containerd = await containerdBinaries(line, log);
  for (const [binary, hint] of [
    [NSENTER, 'util-linux'],
    ['/usr/bin/unshare', 'util-linux'],
    [join(CNI_BIN, 'bridge'), 'containernetworking-plugins'],
    ['/usr/sbin/iptables', 'iptables'],
    [REGISTRY_BINARY, 'docker-registry'],
  ] as const)
    if (!existsSync(binary))
      throw new TestClusterError(
        'BinaryMissing',
        `${binary} is missing: install Debian's ${hint} (scripts/setup-tests.sh does)`,
      );
  const network = await createNodeNetwork();
  const dir = join(dataDir, 'node');
  let port: number;
  let mounts: Awaited<ReturnType<typeof createNodeMountNamespace>> | undefined;
  try {
    mounts = await createNodeMountNamespace(dir);
    mkdirSync(join(dir, 'bin'), { recursive: true });
    port = await freePort();
  } catch (error) {
    // Nothing records the network and the namespace yet: remove them here.
    if (mounts) await removeNodeMountNamespace(mounts);
    await removeNodeNetwork(network);
    throw error;
  }
  return {
    name: `${clusterName}-node`,
    network,
    cgroupRoot: `/spinkube-${String(network.index)}`,
    dir,
    mountNamespacePath: mounts.path,
    nodeRoot: mounts.root,
    containerd: {
      line,
      version: containerd.version,
      config: NODE_CONTAINERD_CONFIG,
      address: join(dir, 'containerd', 'containerd.sock'),
      binary: containerd.containerd,
      ctr: containerd.ctr,
      ...(containerd.runcShim ? { runcShim: containerd.runcShim } : {}),
      pidFile: join(dir, 'containerd', 'containerd.pid'),
    },
    registry: `${network.hostAddress}:${String(port)}`,
    pauseImage: `${network.hostAddress}:${String(port)}/${PAUSE_IMAGE.repository}:${PAUSE_IMAGE.tag}`,
    handlers: options.shim ? [PlatformNames.runtimeHandler] : [],
    podLogsDir: join(dir, 'pod-logs'),
  };
}

/** The node's certificates and kubeconfigs (the API server's kubelet client among them). */
export function writeRealNodePki(
  node: RealNodeState,
  ca: CertificateAuthority,
  server: string,
  context: string,
) {
  const dir = join(node.dir, 'pki');
  mkdirSync(dir, { recursive: true });
  return writeNodePki(dir, ca, server, node.name, node.network.nodeAddress, context);
}

/**
 * Starts the registry, containerd, kubelet, kube-proxy and CoreDNS; each started process is handed to
 * `started` at once, so the cluster's state (and its teardown) knows it even if a later step fails.
 * Resolves when the node is Ready and cluster DNS answers.
 */
export async function startRealNode(
  node: RealNodeState,
  context: {
    readonly kubeconfigPath: string;
    readonly caCert: string;
    readonly pki: NodePkiFiles;
    readonly logDir: string;
    readonly shim?: string;
    readonly log: (line: string) => void;
  },
  started: (process: StartedProcess) => void,
): Promise<void> {
  await startNodeRegistry(node, context.logDir, started);
  await startNodeContainerd(
    node,
    { logDir: context.logDir, ...(context.shim ? { shim: context.shim } : {}) },
    started,
  );
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(context.kubeconfigPath);
  await createNodeAddons(kubeConfig, {
    nodeAddress: node.network.nodeAddress,
    spinRuntimeClass: node.handlers.length > 0,
  });
  const { kubelet, dns } = await startNodeComponents(node, context, started);

  const core = kubeConfig.makeApiClient(CoreV1Api);
  await waitFor(
    `node ${node.name} Ready`,
    async () => {
      const found = await core.readNode({ name: node.name });
      return found.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    },
    { timeoutMs: 90_000, process: kubelet },
  );
  await waitFor('cluster DNS', () => clusterDnsAnswers(node.network.nodeAddress), {
    timeoutMs: 30_000,
    process: dns,
  });
}

/** Whether CoreDNS on the node resolves the `kubernetes` Service to its cluster IP. */
export async function clusterDnsAnswers(nodeAddress: string): Promise<boolean> {
  const resolver = new Resolver({ timeout: 1_000, tries: 1 });
  resolver.setServers([nodeAddress]);
  const addresses = await resolver.resolve4('kubernetes.default.svc.cluster.local');
  return addresses.includes('10.96.0.1');
}
