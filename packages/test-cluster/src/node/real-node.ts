/**
 * A real Kubernetes node on this machine, beside the local control plane: containerd with CRI (under a
 * supervisor that restarts it), kubelet, kube-proxy and CoreDNS, all in the node's own network namespace and
 * cgroup tree, with a local registry that containerd pulls from over plain HTTP, a pause image built here,
 * CNI from Debian's plugins, and optionally the Spin shim registered as runtime handler `spin-v2` (with the
 * RuntimeClass `wasmtime-spin-v2`). `prepareRealNode` runs before the API server starts (the API server
 * listens on the node network's host address); `startRealNode` after it is ready.
 */
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resolver } from 'node:dns/promises';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { pushImage } from '@spinkube/image-builder';
import { PlatformNames } from '@spinkube/api';
import type { CertificateAuthority } from '@spinkube/pki';
import { TestClusterError } from '../errors.js';
import { freePort } from '../local/ports.js';
import { startProcess, waitFor, type StartedProcess } from '../local/processes.js';
import {
  binaryPath,
  containerdTool,
  corednsTool,
  ensureTool,
  kubernetesNodeTool,
} from '../provision/tools.js';
import { REGISTRY_BINARY, registryAnswers, writeRegistryConfig } from '../registry/local-registry.js';
import { Versions } from '../versions.js';
import { pauseImage, PAUSE_IMAGE } from './busybox-image.js';
import { renderCniConfig, CNI_CONFIG_FILE } from './cni-config.js';
import { renderCorefile } from './corefile.js';
import { renderKubeletConfig } from './kubelet-config.js';
import { renderKubeProxyConfig } from './kube-proxy-config.js';
import { CLUSTER_DNS_IP, createNodeAddons } from './node-addons.js';
import { createCgroup, joinCgroup } from './node-cgroups.js';
import { plainHttpRegistryHosts, renderNodeContainerdConfig } from './node-containerd-config.js';
import { createNodeNetwork, removeNodeNetwork, type NodeNetwork } from './node-network.js';
import { writeNodePki, type NodePkiFiles } from './node-pki.js';
import { runCommand } from './run-command.js';

/** Which containerd the node runs: the pinned 1.7 or 2.x build, or Debian's 1.6 (older CRI, not in the e2e suite). */
export type NodeContainerd = 'v1' | 'v2' | 'debian';

export interface RealNodeOptions {
  /** `v2` (containerd v2.2, what kind and current clusters run) unless given. */
  readonly containerd?: NodeContainerd;
  /** `containerd-shim-spin-v2` to register as handler `spin-v2`; without it the node runs runc only. */
  readonly shim?: string;
}

export interface RealNodeState {
  readonly name: string;
  readonly network: NodeNetwork;
  /** The node's cgroup tree, `/spinkube-<i>`: kubelet's cgroupRoot, and where every node process runs. */
  readonly cgroupRoot: string;
  /** The node's files (configs, containerd's root and state, kubelet's root dir, pod logs). */
  readonly dir: string;
  readonly containerd: {
    readonly line: NodeContainerd;
    readonly version: string;
    readonly address: string;
    /** `ctr` of the same release, for `ctr --address <address> -n k8s.io …`. */
    readonly ctr: string;
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

const NSENTER = '/usr/bin/nsenter';
const CNI_BIN = '/usr/lib/cni';
const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const SUPERVISOR = join(import.meta.dirname, 'supervise.js');
const COREDNS_HEALTH_PORT = 18080;

/** Creates the node's network, files and identities; the control plane then listens on `network.hostAddress`. */
export async function prepareRealNode(
  dataDir: string,
  clusterName: string,
  options: RealNodeOptions,
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
  const containerd = await containerdBinaries(line);
  for (const [binary, hint] of [
    [NSENTER, 'util-linux'],
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
  try {
    mkdirSync(join(dir, 'bin'), { recursive: true });
    port = await freePort();
  } catch (error) {
    // Nothing records the network yet: remove it here.
    await removeNodeNetwork(network);
    throw error;
  }
  return {
    name: `${clusterName}-node`,
    network,
    cgroupRoot: `/spinkube-${String(network.index)}`,
    dir,
    containerd: {
      line,
      version: containerd.version,
      address: join(dir, 'containerd', 'containerd.sock'),
      ctr: containerd.ctr,
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
  const { dir, network } = node;
  const kubernetesNode = await ensureTool(kubernetesNodeTool, context.log);
  const coredns = await ensureTool(corednsTool, context.log);
  const containerd = await containerdBinaries(node.containerd.line, context.log);
  const inNode = (binary: string, args: readonly string[]) => [
    `--net=${network.netnsPath}`,
    '--',
    binary,
    ...args,
  ];

  // The registry, on the host bridge: reachable from the host (pushes) and from the node (pulls).
  const registryDir = join(dir, 'registry');
  mkdirSync(registryDir, { recursive: true });
  const registry = startProcess(
    'registry',
    REGISTRY_BINARY,
    ['serve', writeRegistryConfig(registryDir, node.registry)],
    context.logDir,
  );
  started(registry);
  await waitFor('the node registry', () => registryAnswers(node.registry), {
    timeoutMs: 15_000,
    process: registry,
  });
  await pushImage(await pauseImage(), node.pauseImage, { insecure: true });

  // containerd under its supervisor, in the node's namespace and cgroup.
  const paths = {
    root: join(dir, 'containerd', 'root'),
    state: join(dir, 'containerd', 'state'),
    address: node.containerd.address,
    registryConfig: join(dir, 'containerd', 'certs.d'),
    cniConfig: join(dir, 'cni', 'net.d'),
    cniBin: CNI_BIN,
    opt: join(dir, 'containerd', 'opt'),
    runcRoot: join(dir, 'containerd', 'runc'),
  };
  for (const path of [paths.root, paths.state, paths.cniConfig, join(paths.registryConfig, node.registry)])
    mkdirSync(path, { recursive: true });
  writeFileSync(
    join(paths.registryConfig, node.registry, 'hosts.toml'),
    plainHttpRegistryHosts(node.registry),
  );
  writeFileSync(
    join(paths.cniConfig, CNI_CONFIG_FILE),
    renderCniConfig({ podCidr: network.podCidr, ipamDir: join(dir, 'cni', 'ipam') }),
  );
  const containerdConfig = join(dir, 'containerd', 'config.toml');
  writeFileSync(
    containerdConfig,
    renderNodeContainerdConfig({
      major: node.containerd.line === 'v2' ? 2 : 1,
      paths,
      sandboxImage: node.pauseImage,
      handlers: Object.fromEntries(node.handlers.map((handler) => [handler, PlatformNames.runtimeType])),
    }),
  );
  // containerd finds shims on its PATH: the node's bin dir (the release's runc shim, the Spin shim) first.
  const bin = join(dir, 'bin');
  if (containerd.runcShim) symlinkSync(containerd.runcShim, join(bin, 'containerd-shim-runc-v2'));
  if (context.shim) symlinkSync(context.shim, join(bin, PlatformNames.shimBinary));
  createCgroup(`${node.cgroupRoot}/runtime`);
  createCgroup(`${node.cgroupRoot}/system`);
  const containerdProcess = startProcess(
    'containerd',
    process.execPath,
    [
      SUPERVISOR,
      `--cgroup=${node.cgroupRoot}/runtime`,
      `--pid-file=${node.containerd.pidFile}`,
      '--',
      NSENTER,
      ...inNode(containerd.containerd, ['--config', containerdConfig]),
    ],
    context.logDir,
    { PATH: [bin, ...SYSTEM_PATH].join(':'), SPINKUBE_SHIM_DATA_DIR: join(dir, 'shim') },
  );
  started(containerdProcess);
  await waitFor(
    `containerd ${node.containerd.version} on ${node.containerd.address}`,
    async () =>
      (await runCommand(node.containerd.ctr, ['--address', node.containerd.address, 'version'], 5_000))
        .code === 0,
    { timeoutMs: 30_000, process: containerdProcess },
  );

  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(context.kubeconfigPath);
  await createNodeAddons(kubeConfig, {
    nodeAddress: network.nodeAddress,
    spinRuntimeClass: node.handlers.length > 0,
  });

  const resolvConf = join(dir, 'resolv.conf');
  writeFileSync(
    resolvConf,
    '# A test node has no upstream resolver: pods with dnsPolicy Default resolve nothing.\n',
  );
  const kubeletConfig = join(dir, 'kubelet-config.yaml');
  writeFileSync(
    kubeletConfig,
    renderKubeletConfig({
      nodeAddress: network.nodeAddress,
      clientCaFile: context.caCert,
      tlsCertFile: context.pki.kubeletCert,
      tlsPrivateKeyFile: context.pki.kubeletKey,
      cgroupRoot: node.cgroupRoot,
      containerRuntimeEndpoint: `unix://${node.containerd.address}`,
      clusterDns: CLUSTER_DNS_IP,
      podLogsDir: node.podLogsDir,
      resolvConf,
      podCidr: network.podCidr,
    }),
  );
  const kubeProxyConfig = join(dir, 'kube-proxy-config.yaml');
  writeFileSync(
    kubeProxyConfig,
    renderKubeProxyConfig({
      kubeconfig: context.pki.kubeProxyKubeconfig,
      nodeName: node.name,
      nodeAddress: network.nodeAddress,
      podCidr: network.podCidr,
    }),
  );
  const corefile = join(dir, 'Corefile');
  writeFileSync(
    corefile,
    renderCorefile({
      listenAddress: network.nodeAddress,
      kubeconfig: context.pki.corednsKubeconfig,
      healthPort: COREDNS_HEALTH_PORT,
    }),
  );

  const startInNode = (name: string, binary: string, args: readonly string[]) => {
    const child = startProcess(name, NSENTER, inNode(binary, args), context.logDir, {
      PATH: SYSTEM_PATH.join(':'),
    });
    joinCgroup(child.pid, `${node.cgroupRoot}/system`);
    started(child);
    return child;
  };
  const kubelet = startInNode('kubelet', binaryPath(kubernetesNode, 'kubelet'), [
    `--config=${kubeletConfig}`,
    `--kubeconfig=${context.pki.kubeletKubeconfig}`,
    `--hostname-override=${node.name}`,
    `--node-ip=${network.nodeAddress}`,
    `--root-dir=${join(dir, 'kubelet')}`,
    '--v=1',
  ]);
  startInNode('kube-proxy', binaryPath(kubernetesNode, 'kube-proxy'), [
    `--config=${kubeProxyConfig}`,
    '--v=1',
  ]);
  const dns = startInNode('coredns', binaryPath(coredns, 'coredns'), ['-conf', corefile]);

  const core = kubeConfig.makeApiClient(CoreV1Api);
  await waitFor(
    `node ${node.name} Ready`,
    async () => {
      const found = await core.readNode({ name: node.name });
      return found.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    },
    { timeoutMs: 90_000, process: kubelet },
  );
  await waitFor('cluster DNS', () => clusterDnsAnswers(network.nodeAddress), {
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

interface ContainerdBinaries {
  readonly version: string;
  readonly containerd: string;
  readonly ctr: string;
  /** The release's runc shim; Debian's is on the system PATH. */
  readonly runcShim?: string;
}

async function containerdBinaries(
  line: NodeContainerd,
  log: (line: string) => void = () => undefined,
): Promise<ContainerdBinaries> {
  if (line === 'debian') {
    if (!existsSync('/usr/bin/containerd'))
      throw new TestClusterError(
        'BinaryMissing',
        "/usr/bin/containerd is missing: install Debian's containerd",
      );
    return { version: 'debian', containerd: '/usr/bin/containerd', ctr: '/usr/bin/ctr' };
  }
  const version = line === 'v1' ? Versions.containerd1 : Versions.containerd2;
  const tool = await ensureTool(containerdTool(version), log);
  return {
    version,
    containerd: binaryPath(tool, 'containerd'),
    ctr: binaryPath(tool, 'ctr'),
    runcShim: binaryPath(tool, 'containerd-shim-runc-v2'),
  };
}
