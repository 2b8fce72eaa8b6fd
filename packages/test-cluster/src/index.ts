export {
  startCluster,
  loadKubeConfig,
  type ClusterComponent,
  type ClusterNode,
  type NodeContainerd,
  type NodeRoot,
  type RealNodeOptions,
  type ClusterProcess,
  type ClusterProvider,
  type RestartComponentOptions,
  type RestartedComponent,
  type StartClusterOptions,
  type TestCluster,
} from './cluster.js';
export { TestClusterError, type TestClusterErrorCode } from './errors.js';
export { Versions } from './versions.js';
export {
  ensureTool,
  binaryPath,
  LOCAL_CLUSTER_TOOLS,
  kubernetesTool,
  kwokTool,
  helm3Tool,
  helm4Tool,
  kindTool,
  actionlintTool,
  containerdTool,
  kubernetesNodeTool,
  kubectlTool,
  corednsTool,
  type Tool,
} from './provision/tools.js';
export {
  createCertificateAuthority,
  issueCertificate,
  createKeyPair,
  type Certificate,
  type CertificateAuthority,
} from '@spinkube/pki';
export {
  startLocalCluster,
  stopLocalCluster,
  restartLocalComponent,
  runningLocalCluster,
} from './local/local-cluster.js';
export { freePort, freePorts } from './local/ports.js';
export { helm, type Helm, type HelmMajor } from './helm.js';
export {
  startRegistry,
  blobPath,
  REGISTRY_BINARY,
  type RegistryOptions,
  type RunningRegistry,
} from './registry/local-registry.js';
export { TOKEN_ISSUER, TOKEN_SERVICE, type TokenIssuer } from './registry/token-issuer.js';
export { busyboxImage, pauseImage, BUSYBOX_BINARY } from './node/busybox-image.js';
export { removeCgroup } from './node/node-cgroups.js';
export { hostPrefixes } from './node/host-prefixes.js';
export { cidrsOverlap, formatIpv4, parseCidr } from './node/ipv4.js';
export { eventually } from './eventually.js';
export { runChecked, runCommand, type CommandResult, type RunCommandOptions } from './run-command.js';
export { processEnv } from './local/processes.js';
export { disableIpv6 } from './node/node-network.js';
export { inNode, NSENTER, type NodeNamespaces } from './node/node-commands.js';
export { NODE_CONTAINERD_CONFIG, NODE_OWN_DIRS } from './node/node-mount-namespace.js';
export { installSpinKubeCrds } from './spinkube-crds.js';
export {
  startManagerProcess,
  stopManagerProcesses,
  type LogLine,
  type ManagerProcess,
  type ManagerProcessOptions,
} from './manager-process.js';
export { fakeNode, KWOK_NODE_ANNOTATION } from './local/fake-nodes.js';
