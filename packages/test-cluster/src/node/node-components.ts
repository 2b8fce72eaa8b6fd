/**
 * kubelet, kube-proxy and CoreDNS: their configs written into the node's directory, each started in the
 * node's network and mount namespaces (kubelet's volume mounts are seen by containerd and runc there, and
 * by no one on the host) and moved into the node's cgroup.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, type StartedProcess } from '../local/processes.js';
import { binaryPath, corednsTool, ensureTool, kubernetesNodeTool } from '../provision/tools.js';
import { renderCorefile } from './corefile.js';
import { renderKubeletConfig } from './kubelet-config.js';
import { renderKubeProxyConfig } from './kube-proxy-config.js';
import { CLUSTER_DNS_IP } from './node-addons.js';
import { joinCgroup } from './node-cgroups.js';
import { inNode, nodeNamespaces, NSENTER, SYSTEM_PATH } from './node-commands.js';
import type { NodePkiFiles } from './node-pki.js';
import type { RealNodeState } from './real-node.js';

const COREDNS_HEALTH_PORT = 18080;

export async function startNodeComponents(
  node: RealNodeState,
  ctx: {
    readonly caCert: string;
    readonly pki: NodePkiFiles;
    readonly logDir: string;
    readonly log: (line: string) => void;
  },
  started: (process: StartedProcess) => void,
): Promise<{ kubelet: StartedProcess; dns: StartedProcess }> {
  const kubernetesNode = await ensureTool(kubernetesNodeTool, ctx.log);
  const coredns = await ensureTool(corednsTool, ctx.log);
  const resolvConf = join(node.dir, 'resolv.conf');
  writeFileSync(
    resolvConf,
    '# A test node has no upstream resolver: pods with dnsPolicy Default resolve nothing.\n',
  );
  const kubeletConfig = join(node.dir, 'kubelet-config.yaml');
  writeFileSync(
    kubeletConfig,
    renderKubeletConfig({
      nodeAddress: node.network.nodeAddress,
      clientCaFile: ctx.caCert,
      tlsCertFile: ctx.pki.kubeletCert,
      tlsPrivateKeyFile: ctx.pki.kubeletKey,
      cgroupRoot: node.cgroupRoot,
      containerRuntimeEndpoint: `unix://${node.containerd.address}`,
      clusterDns: CLUSTER_DNS_IP,
      podLogsDir: node.podLogsDir,
      resolvConf,
      podCidr: node.network.podCidr,
    }),
  );
  const kubeProxyConfig = join(node.dir, 'kube-proxy-config.yaml');
  writeFileSync(
    kubeProxyConfig,
    renderKubeProxyConfig({
      kubeconfig: ctx.pki.kubeProxyKubeconfig,
      nodeName: node.name,
      nodeAddress: node.network.nodeAddress,
      podCidr: node.network.podCidr,
    }),
  );
  const corefile = join(node.dir, 'Corefile');
  writeFileSync(
    corefile,
    renderCorefile({
      listenAddress: node.network.nodeAddress,
      kubeconfig: ctx.pki.corednsKubeconfig,
      healthPort: COREDNS_HEALTH_PORT,
    }),
  );

  const startInNode = (name: string, binary: string, args: readonly string[]) => {
    const child = startProcess(name, NSENTER, inNode(nodeNamespaces(node), binary, args), ctx.logDir, {
      PATH: SYSTEM_PATH.join(':'),
    });
    joinCgroup(child.pid, `${node.cgroupRoot}/system`);
    started(child);
    return child;
  };
  const kubelet = startInNode('kubelet', binaryPath(kubernetesNode, 'kubelet'), [
    `--config=${kubeletConfig}`,
    `--kubeconfig=${ctx.pki.kubeletKubeconfig}`,
    `--hostname-override=${node.name}`,
    `--node-ip=${node.network.nodeAddress}`,
    `--root-dir=${join(node.dir, 'kubelet')}`,
    '--v=1',
  ]);
  startInNode('kube-proxy', binaryPath(kubernetesNode, 'kube-proxy'), [
    `--config=${kubeProxyConfig}`,
    '--v=1',
  ]);
  const dns = startInNode('coredns', binaryPath(coredns, 'coredns'), ['-conf', corefile]);

  return { kubelet, dns };
}
