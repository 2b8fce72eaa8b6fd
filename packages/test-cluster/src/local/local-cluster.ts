/**
 * A real Kubernetes control plane on 127.0.0.1: etcd, kube-apiserver (client-certificate auth, RBAC,
 * admission webhooks on, service-account tokens), kube-controller-manager (Deployments, ReplicaSets,
 * garbage collection), kube-scheduler, and kwok playing the kubelet for fake nodes, so Pods get
 * scheduled and become Running and Ready. Every port is picked free at start; every file lives in the
 * cluster's own data directory.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  type ApiConstructor,
  type ApiType,
} from '@kubernetes/client-node';
import {
  binaryPath,
  ensureTool,
  etcdTool,
  kubernetesTool,
  kwokTool,
  KWOK_STAGES_FILE,
} from '../provision/tools.js';
import {
  createCertificateAuthority,
  createKeyPair,
  issueCertificate,
  type Certificate,
  type CertificateAuthority,
} from '@spinkube/pki';
import { tearDownRealNode } from '../node/node-teardown.js';
import {
  clusterDnsAnswers,
  prepareRealNode,
  startRealNode,
  writeRealNodePki,
  type RealNodeOptions,
  type RealNodeState,
} from '../node/real-node.js';
import { TestClusterError } from '../errors.js';
import { kubeconfigYaml } from './kubeconfig.js';
import { fakeNode, KWOK_NODE_ANNOTATION } from './fake-nodes.js';
import { freePorts } from './ports.js';
import {
  isAlive,
  restartProcess,
  startProcess,
  stopProcess,
  waitFor,
  type RestartProcessOptions,
  type StartedProcess,
} from './processes.js';
import { registryAnswers } from '../registry/local-registry.js';
import { SERVICE_CIDR } from '../service-network.js';
import { readState, withProcess, writeState, type LocalClusterState } from './state.js';

export interface LocalClusterOptions {
  /** Name used in the kubeconfig context and node names. */
  readonly name?: string;
  /** Where certificates, etcd data, logs and the kubeconfig go; a fresh temp directory by default. */
  readonly dataDir?: string;
  /** Number of kwok nodes (2 by default, 0 with a real node). */
  readonly nodes?: number;
  /**
   * A real node (kubelet, containerd with CRI, kube-proxy, CoreDNS) in its own network namespace; the
   * control plane then listens on the node network's host address instead of 127.0.0.1. Needs root.
   */
  readonly realNode?: boolean | RealNodeOptions;
  readonly log?: (line: string) => void;
}

/** The processes of a local cluster, by the name each is recorded (and logs) under. */
export type ClusterComponent =
  | 'etcd'
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'kwok'
  // A real node's.
  | 'registry'
  | 'containerd'
  | 'kubelet'
  | 'kube-proxy'
  | 'coredns';

export interface RestartComponentOptions extends Omit<RestartProcessOptions, 'beforeStart'> {
  /** How long the restarted component (and then the API server) may take to be healthy; 60 s by default. */
  readonly timeoutMs?: number;
}

const ADMIN_KUBECONFIG = 'admin.kubeconfig';
const NODE_LEASE_NAMESPACE = 'kube-node-lease';
const TEMP_CLUSTER_PREFIX = 'spinkube-cluster-';
const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export async function startLocalCluster(options: LocalClusterOptions = {}): Promise<LocalClusterState> {
  const log = options.log ?? (() => undefined);
  const name = options.name ?? 'spinkube-local';
  const etcdBinary = binaryPath(await ensureTool(etcdTool, log), 'etcd');
  const kubernetes = await ensureTool(kubernetesTool, log);
  const kwok = await ensureTool(kwokTool, log);

  await reapOrphanedClusters(log);
  // A named data directory may hold what an earlier cluster left; a temporary one starts empty.
  if (options.dataDir) rmSync(options.dataDir, { recursive: true, force: true });
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), TEMP_CLUSTER_PREFIX));
  const ownerPid = options.dataDir === undefined ? process.pid : undefined;
  const pkiDir = join(dataDir, 'pki');
  const logDir = join(dataDir, 'logs');
  for (const dir of [pkiDir, logDir]) mkdirSync(dir, { recursive: true });

  const [etcdClient, etcdPeer, apiserver, controllerManager, scheduler, kwokPort] = (await freePorts(6)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ports = { etcdClient, etcdPeer, apiserver, controllerManager, scheduler, kwok: kwokPort };
  const realNode = options.realNode === true ? {} : options.realNode || undefined;
  const processes: StartedProcess[] = [];
  let node: RealNodeState | undefined;
  let server = `https://127.0.0.1:${String(apiserver)}`;
  const state = (): LocalClusterState => ({
    provider: 'local',
    name,
    dataDir,
    kubeconfigPath: join(pkiDir, ADMIN_KUBECONFIG),
    server,
    ports,
    processes: [...processes],
    startedAt: new Date().toISOString(),
    ...(ownerPid === undefined ? {} : { ownerPid }),
    ...(node ? { node } : {}),
  });

  try {
    if (realNode) {
      node = await prepareRealNode(dataDir, name, realNode, log);
      writeState(state());
    }
    // With a real node, pods reach the API server at the node network's host address, not loopback.
    const listenAddress = node?.network.hostAddress ?? '127.0.0.1';
    server = `https://${listenAddress}:${String(apiserver)}`;
    const files = await writePki(pkiDir, server, name, listenAddress);
    const nodePki = node ? await writeRealNodePki(node, files.ca, server, name) : undefined;
    writeState(state());
    const etcd = startProcess(
      'etcd',
      etcdBinary,
      [
        '--name=spinkube',
        `--data-dir=${join(dataDir, 'etcd')}`,
        `--listen-client-urls=http://127.0.0.1:${String(etcdClient)}`,
        `--advertise-client-urls=http://127.0.0.1:${String(etcdClient)}`,
        `--listen-peer-urls=http://127.0.0.1:${String(etcdPeer)}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${String(etcdPeer)}`,
        `--initial-cluster=spinkube=http://127.0.0.1:${String(etcdPeer)}`,
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
      logDir,
    );
    processes.push(etcd);
    writeState(state());
    await waitFor('etcd health', () => etcdHealthy(etcdClient), { timeoutMs: 20_000, process: etcd });

    const apiserverProcess = startProcess(
      'kube-apiserver',
      binaryPath(kubernetes, 'kube-apiserver'),
      [
        `--etcd-servers=http://127.0.0.1:${String(etcdClient)}`,
        `--bind-address=${listenAddress}`,
        `--advertise-address=${listenAddress}`,
        `--secure-port=${String(apiserver)}`,
        `--cert-dir=${join(dataDir, 'apiserver')}`,
        `--tls-cert-file=${files.apiserverCert}`,
        `--tls-private-key-file=${files.apiserverKey}`,
        `--client-ca-file=${files.caCert}`,
        `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
        `--service-account-key-file=${files.serviceAccountPublic}`,
        `--service-account-signing-key-file=${files.serviceAccountPrivate}`,
        `--api-audiences=${SERVICE_ACCOUNT_ISSUER}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        '--authorization-mode=Node,RBAC',
        '--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultTolerationSeconds,' +
          'MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ResourceQuota',
        '--allow-privileged=true',
        '--profiling=false',
        // PodTemplates bypass the watch cache, so a watch from a compacted revision gets a real 410 Gone
        // (tests of informers compact etcd to produce it); nothing else in the tests uses PodTemplates.
        '--watch-cache-sizes=podtemplates#0',
        // On SIGTERM, drain and exit within 2 s instead of waiting up to a minute for clients' open watch
        // connections to close (restartComponent's graceful stop relies on it).
        '--shutdown-send-retry-after=true',
        ...(nodePki
          ? [
              // logs, exec and port-forward through the kubelet, whose serving certificate the CA signed.
              `--kubelet-certificate-authority=${files.caCert}`,
              `--kubelet-client-certificate=${nodePki.apiserverKubeletClientCert}`,
              `--kubelet-client-key=${nodePki.apiserverKubeletClientKey}`,
              '--kubelet-preferred-address-types=InternalIP',
              // Webhooks and aggregated APIs are called at their endpoints' pod IPs (routed to the node), not
              // at Service IPs, which only exist inside the node.
              '--enable-aggregator-routing=true',
            ]
          : []),
        '--v=1',
      ],
      logDir,
    );
    processes.push(apiserverProcess);
    writeState(state());
    await waitFor('kube-apiserver /readyz', () => apiserverReady(server, files.admin, files.caPem), {
      timeoutMs: 60_000,
      process: apiserverProcess,
    });

    processes.push(
      startProcess(
        'kube-controller-manager',
        binaryPath(kubernetes, 'kube-controller-manager'),
        [
          ...controlPlaneComponentArgs(files.controllerManagerKubeconfig, controllerManager),
          `--service-account-private-key-file=${files.serviceAccountPrivate}`,
          `--root-ca-file=${files.caCert}`,
          '--use-service-account-credentials=true',
          `--cluster-name=${name}`,
          `--service-cluster-ip-range=${SERVICE_CIDR}`,
        ],
        logDir,
      ),
      startProcess(
        'kube-scheduler',
        binaryPath(kubernetes, 'kube-scheduler'),
        controlPlaneComponentArgs(files.schedulerKubeconfig, scheduler),
        logDir,
      ),
      startProcess(
        'kwok',
        binaryPath(kwok, 'kwok'),
        [
          `--kubeconfig=${files.kwokKubeconfig}`,
          `--config=${binaryPath(kwok, KWOK_STAGES_FILE)}`,
          '--node-lease-duration-seconds=40',
          '--manage-all-nodes=false',
          `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
          '--node-ip=127.0.0.1',
          '--cidr=10.244.0.0/16',
          `--server-address=127.0.0.1:${String(kwokPort)}`,
        ],
        logDir,
      ),
    );
    writeState(state());

    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(files.adminKubeconfig);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const nodeCount = Math.max(options.nodes ?? (node ? 0 : 2), node ? 0 : 1);
    for (let i = 0; i < nodeCount; i++)
      await core.createNode({ body: fakeNode(`${name}-node-${String(i)}`) });
    if (nodeCount > 0)
      await waitFor(`${String(nodeCount)} Ready kwok nodes`, async () => readyNodes(core, nodeCount), {
        timeoutMs: 30_000,
        process: processes.find((p) => p.name === 'kwok'),
      });
    // The token and service-account controllers must have run before workloads can be created.
    await waitFor(
      'the default service account',
      async () => {
        await core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' });
        return true;
      },
      { timeoutMs: 30_000, process: processes.find((p) => p.name === 'kube-controller-manager') },
    );

    if (node && nodePki)
      await startRealNode(
        node,
        {
          kubeconfigPath: files.adminKubeconfig,
          caCert: files.caCert,
          pki: nodePki,
          logDir,
          ...(typeof realNode === 'object' && realNode.shim ? { shim: realNode.shim } : {}),
          log,
        },
        (started) => {
          processes.push(started);
          writeState(state());
        },
      );

    const final = state();
    writeState(final);
    log(
      `cluster ${name} ready at ${server}${node ? ` with node ${node.name} (${node.network.nodeAddress})` : ''}`,
    );
    return final;
  } catch (error) {
    await stopLocalCluster(state(), { keepData: true });
    throw error;
  }
}

/** Stops every process the cluster started, by PID, in reverse order; removes the data unless asked not to. */
export async function stopLocalCluster(
  state: LocalClusterState,
  options: { keepData?: boolean } = {},
): Promise<void> {
  for (const process of [...state.processes].reverse()) await stopProcess(process.pid);
  if (state.node) {
    const left = await tearDownRealNode(state.node);
    if (left.length > 0)
      throw new TestClusterError(
        'NotRunning',
        `node ${state.node.name} left behind: ${left.join(', ')} (data kept in ${state.dataDir})`,
      );
  }
  if (!options.keepData) rmSync(state.dataDir, { recursive: true, force: true });
}

/**
 * Stops one component of a running cluster by its PID (SIGTERM, then SIGKILL after the grace period; or
 * SIGKILL at once, as a crash), waits `downtimeMs`, starts it again with the same binary and arguments (so
 * on the same ports and data), and waits until it is healthy and the API server answers /readyz again.
 * The state file records the new PID as soon as it exists, so `stop()` and orphan reaping find it even if
 * the wait fails; the returned state is the one written.
 */
export async function restartLocalComponent(
  state: LocalClusterState,
  component: ClusterComponent,
  options: RestartComponentOptions = {},
): Promise<LocalClusterState> {
  const previous = state.processes.find((p) => p.name === component);
  if (!previous)
    throw new TestClusterError(
      'NotRunning',
      `cluster ${state.name} has no ${component} process (${state.dataDir})`,
    );
  // State files written before restarts existed lack the command line.
  if (typeof previous.command !== 'string' || !Array.isArray(previous.args))
    throw new TestClusterError(
      'NotSupported',
      `cluster ${state.name} did not record how ${component} was started (${state.dataDir}); start the cluster again to restart its components`,
    );
  const nodes = component === 'kwok' ? await kwokNodes(state) : [];
  const restarted = withProcess(
    state,
    await restartProcess(previous, {
      ...options,
      ...(component === 'kwok' ? { beforeStart: () => releaseNodeLeases(state, nodes) } : {}),
    }),
  );
  writeState(restarted);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = restarted.processes.find((p) => p.name === component);
  await waitFor(
    `${component} to be healthy after its restart`,
    async () =>
      (await componentHealthy(restarted, component)) &&
      (component !== 'kwok' || (await nodeLeasesHeld(restarted, nodes))),
    { timeoutMs, process: started },
  );
  if (component !== 'kube-apiserver')
    await waitFor(
      `kube-apiserver /readyz after restarting ${component}`,
      () => apiserverReadyFor(restarted),
      {
        timeoutMs,
        process: restarted.processes.find((p) => p.name === 'kube-apiserver'),
      },
    );
  return restarted;
}

/**
 * Stops clusters that test runs started in temporary directories and never stopped (the run crashed or
 * was killed): their owner process is gone, so nobody else will.
 */
export async function reapOrphanedClusters(log: (line: string) => void = () => undefined): Promise<number> {
  let reaped = 0;
  for (const entry of readdirSync(tmpdir())) {
    if (!entry.startsWith(TEMP_CLUSTER_PREFIX)) continue;
    const state = readState(join(tmpdir(), entry));
    if (state?.ownerPid === undefined || isAlive(state.ownerPid)) continue;
    log(`stopping cluster ${state.name} left behind by process ${String(state.ownerPid)} (${state.dataDir})`);
    await stopLocalCluster(state);
    reaped++;
  }
  return reaped;
}

/** The recorded cluster in `dataDir` if all its processes live and the API server is ready. */
export async function runningLocalCluster(dataDir: string): Promise<LocalClusterState | undefined> {
  const state = readState(dataDir);
  if (!state || state.processes.length < 5 || !state.processes.every((p) => isAlive(p.pid))) return undefined;
  return (await apiserverReadyFor(state)) ? state : undefined;
}

/** The nodes kwok manages (the fake ones), by name. */
async function kwokNodes(state: LocalClusterState): Promise<string[]> {
  const nodes = await adminClient(state, CoreV1Api).listNode();
  return nodes.items
    .filter((node) => node.metadata?.annotations?.[KWOK_NODE_ANNOTATION] === 'fake')
    .map((node) => node.metadata?.name ?? '');
}

/**
 * kwok holds its nodes' Leases under an identity made fresh at every start, so a restarted kwok would wait
 * out the dead one's leases (40 s) before it looks after its nodes and their Pods again. A restarted kubelet
 * keeps its identity (the node name) and renews at once; removing the dead kwok's leases before the new one
 * starts gives it the same start.
 */
async function releaseNodeLeases(state: LocalClusterState, nodes: readonly string[]): Promise<void> {
  const coordination = adminClient(state, CoordinationV1Api);
  for (const name of nodes)
    await coordination
      .deleteNamespacedLease({ name, namespace: NODE_LEASE_NAMESPACE })
      .catch((error: unknown) => {
        if ((error as { code?: number }).code !== 404) throw error;
      });
}

/** Whether every node has a Lease again (after `releaseNodeLeases`, the new kwok's). */
async function nodeLeasesHeld(state: LocalClusterState, nodes: readonly string[]): Promise<boolean> {
  const leases = await adminClient(state, CoordinationV1Api).listNamespacedLease({
    namespace: NODE_LEASE_NAMESPACE,
  });
  const held = new Set(leases.items.filter((l) => l.spec?.holderIdentity).map((l) => l.metadata?.name));
  return nodes.every((name) => held.has(name));
}

function adminClient<T extends ApiType>(state: LocalClusterState, api: ApiConstructor<T>): T {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(state.kubeconfigPath);
  return kubeConfig.makeApiClient(api);
}

/** GET /readyz as the admin of the cluster's kubeconfig. */
async function apiserverReadyFor(state: LocalClusterState): Promise<boolean> {
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromFile(state.kubeconfigPath);
    const user = kubeConfig.getCurrentUser();
    const cluster = kubeConfig.getCurrentCluster();
    if (!user?.certData || !user.keyData || !cluster?.caData) return false;
    const client = {
      certPem: Buffer.from(user.certData, 'base64').toString(),
      keyPem: Buffer.from(user.keyData, 'base64').toString(),
    };
    return await apiserverReady(state.server, client, Buffer.from(cluster.caData, 'base64').toString());
  } catch {
    return false;
  }
}

/**
 * Each component's own health endpoint, on the port it was started with. The controller manager and the
 * scheduler serve /healthz to anyone over HTTPS with a self-signed certificate made at start, so the
 * certificate is not checked there.
 */
async function componentHealthy(state: LocalClusterState, component: ClusterComponent): Promise<boolean> {
  const port = (key: string) => String(state.ports[key]);
  switch (component) {
    case 'etcd':
      return etcdHealthy(Number(state.ports['etcdClient']));
    case 'kube-apiserver':
      return apiserverReadyFor(state);
    case 'kube-controller-manager':
      return httpsOk(
        `https://127.0.0.1:${port('controllerManager')}/healthz`,
        new Agent({ rejectUnauthorized: false }),
      );
    case 'kube-scheduler':
      return httpsOk(
        `https://127.0.0.1:${port('scheduler')}/healthz`,
        new Agent({ rejectUnauthorized: false }),
      );
    case 'kwok':
      return (await fetch(`http://127.0.0.1:${port('kwok')}/healthz`, { signal: AbortSignal.timeout(2_000) }))
        .ok;
    case 'registry':
      return state.node ? registryAnswers(state.node.registry) : false;
    case 'coredns':
      return state.node ? clusterDnsAnswers(state.node.network.nodeAddress) : false;
    case 'kubelet':
      return state.node ? nodeReady(state, state.node.name) : false;
    case 'containerd':
    case 'kube-proxy':
      return state.processes.some((p) => p.name === component && isAlive(p.pid));
  }
}

/**
 * Flags the controller manager and the scheduler share: one kubeconfig for the API and for checking their
 * own callers, HTTPS on a free loopback port, and no leader election (there is one of each).
 */
function controlPlaneComponentArgs(kubeconfig: string, port: number): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${String(port)}`,
    '--leader-elect=false',
    '--v=1',
  ];
}

interface PkiFiles {
  ca: CertificateAuthority;
  caCert: string;
  caPem: string;
  apiserverCert: string;
  apiserverKey: string;
  serviceAccountPublic: string;
  serviceAccountPrivate: string;
  admin: Certificate;
  adminKubeconfig: string;
  controllerManagerKubeconfig: string;
  schedulerKubeconfig: string;
  kwokKubeconfig: string;
}

async function writePki(
  pkiDir: string,
  server: string,
  name: string,
  listenAddress: string,
): Promise<PkiFiles> {
  const ca = await createCertificateAuthority(`${name}-ca`);
  const apiserver = await issueCertificate(ca, {
    commonName: 'kube-apiserver',
    usage: 'server',
    ipAddresses: [...new Set(['127.0.0.1', listenAddress, '10.96.0.1'])],
    dnsNames: [
      'localhost',
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
    ],
  });
  const serviceAccount = await createKeyPair();
  const write = (file: string, content: string) => {
    const path = join(pkiDir, file);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };
  const kubeconfigFor = async (file: string, user: string, organizations: string[]) => {
    const client = await issueCertificate(ca, { commonName: user, organizations, usage: 'client' });
    return {
      client,
      path: write(file, kubeconfigYaml({ server, caPem: ca.certPem, user, client, context: name })),
    };
  };
  const admin = await kubeconfigFor(ADMIN_KUBECONFIG, 'spinkube-admin', ['system:masters']);
  return {
    ca,
    caCert: write('ca.crt', ca.certPem),
    caPem: ca.certPem,
    apiserverCert: write('apiserver.crt', apiserver.certPem),
    apiserverKey: write('apiserver.key', apiserver.keyPem),
    serviceAccountPublic: write('sa.pub', serviceAccount.publicKeyPem),
    serviceAccountPrivate: write('sa.key', serviceAccount.privateKeyPem),
    admin: admin.client,
    adminKubeconfig: admin.path,
    controllerManagerKubeconfig: (
      await kubeconfigFor('controller-manager.kubeconfig', 'system:kube-controller-manager', [])
    ).path,
    schedulerKubeconfig: (await kubeconfigFor('scheduler.kubeconfig', 'system:kube-scheduler', [])).path,
    // kwok writes node and pod status for every fake node, as a kubelet would for its own.
    kwokKubeconfig: (await kubeconfigFor('kwok.kubeconfig', 'kwok', ['system:masters'])).path,
  };
}

async function etcdHealthy(port: number): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${String(port)}/health`);
  const body = (await response.json()) as { health?: string };
  return body.health === 'true';
}

/** GET /readyz with a client certificate (fetch cannot present one, so node:https). */
async function apiserverReady(server: string, client: Certificate, caPem: string): Promise<boolean> {
  return httpsOk(`${server}/readyz`, new Agent({ ca: caPem, cert: client.certPem, key: client.keyPem }));
}

/** Whether a GET through `agent` answers 200 within 2 s. */
async function httpsOk(url: string, agent: Agent): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { agent, timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => {
      resolve(false);
    });
    req.on('timeout', () => {
      req.destroy();
    });
    req.end();
  });
}

async function nodeReady(state: LocalClusterState, name: string): Promise<boolean> {
  const node = await adminClient(state, CoreV1Api).readNode({ name });
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

async function readyNodes(core: CoreV1Api, expected: number): Promise<boolean> {
  const nodes = await core.listNode();
  const ready = nodes.items.filter((node) =>
    node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
  return ready.length >= expected;
}
