/**
 * The real node's identities, all signed by the cluster CA: kubelet's serving certificate (the node's IP
 * and name, so the API server can check it), kubelet's client identity `system:node:<name>` (the Node
 * authorizer's), kube-proxy's `system:kube-proxy` (bound to `system:node-proxier` by Kubernetes' default
 * RBAC), CoreDNS's `system:coredns` (bound by the provider), and the API server's kubelet client.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueCertificate, type CertificateAuthority } from '@spinkube/pki';
import { kubeconfigYaml } from '../local/kubeconfig.js';

export const COREDNS_USER = 'system:coredns';

export interface NodePkiFiles {
  readonly kubeletCert: string;
  readonly kubeletKey: string;
  readonly kubeletKubeconfig: string;
  readonly kubeProxyKubeconfig: string;
  readonly corednsKubeconfig: string;
  /** For the API server's `--kubelet-client-certificate` / `--kubelet-client-key`. */
  readonly apiserverKubeletClientCert: string;
  readonly apiserverKubeletClientKey: string;
}

export async function writeNodePki(
  dir: string,
  ca: CertificateAuthority,
  server: string,
  nodeName: string,
  nodeAddress: string,
  context: string,
): Promise<NodePkiFiles> {
  const write = (file: string, content: string) => {
    const path = join(dir, file);
    writeFileSync(path, content, { mode: 0o600 });
    return path;
  };
  const kubeconfig = async (file: string, user: string, organizations: string[] = []) => {
    const client = await issueCertificate(ca, { commonName: user, organizations, usage: 'client' });
    return write(file, kubeconfigYaml({ server, caPem: ca.certPem, user, client, context }));
  };
  const serving = await issueCertificate(ca, {
    commonName: nodeName,
    usage: 'server',
    ipAddresses: [nodeAddress],
    dnsNames: [nodeName],
  });
  const apiserverClient = await issueCertificate(ca, {
    commonName: 'kube-apiserver-kubelet-client',
    organizations: ['system:masters'],
    usage: 'client',
  });
  return {
    kubeletCert: write('kubelet.crt', serving.certPem),
    kubeletKey: write('kubelet.key', serving.keyPem),
    kubeletKubeconfig: await kubeconfig('kubelet.kubeconfig', `system:node:${nodeName}`, ['system:nodes']),
    kubeProxyKubeconfig: await kubeconfig('kube-proxy.kubeconfig', 'system:kube-proxy'),
    corednsKubeconfig: await kubeconfig('coredns.kubeconfig', COREDNS_USER),
    apiserverKubeletClientCert: write('apiserver-kubelet-client.crt', apiserverClient.certPem),
    apiserverKubeletClientKey: write('apiserver-kubelet-client.key', apiserverClient.keyPem),
  };
}
