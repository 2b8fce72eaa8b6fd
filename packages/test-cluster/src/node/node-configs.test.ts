import { getStaticTOMLValue, parseTOML } from 'toml-eslint-parser';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderCniConfig } from './cni-config.js';
import { renderCorefile } from './corefile.js';
import { renderKubeletConfig } from './kubelet-config.js';
import { renderKubeProxyConfig } from './kube-proxy-config.js';
import { plainHttpRegistryHosts, renderNodeContainerdConfig } from './node-containerd-config.js';

type Table = Record<string, unknown>;
const toml = (text: string) => getStaticTOMLValue(parseTOML(text)) as Table;
const at = (table: Table, ...path: string[]): Table =>
  path.reduce<Table>((current, key) => (current[key] ?? {}) as Table, table);

const paths = {
  root: '/d/containerd/root',
  state: '/d/containerd/state',
  address: '/d/containerd/containerd.sock',
  registryConfig: '/d/containerd/certs.d',
  cniConfig: '/d/cni/net.d',
  cniBin: '/usr/lib/cni',
  opt: '/d/containerd/opt',
  runcRoot: '/d/containerd/runc',
};
const config = (major: 1 | 2) =>
  toml(
    renderNodeContainerdConfig({
      major,
      paths,
      sandboxImage: '10.250.3.1:5000/spinkube/pause:1.0',
      handlers: { 'spin-v2': 'io.containerd.spin.v2' },
    }),
  );

describe('the node containerd config', () => {
  it('for 1.x (version 2): CRI in one plugin, with the two settings this VM needs, runc and the Spin handler', () => {
    const parsed = config(1);
    expect(parsed['version']).toBe(2);
    expect(at(parsed, 'grpc')['address']).toBe(paths.address);
    expect(at(parsed, 'ttrpc')['address']).toBe(`${paths.address}.ttrpc`);
    const cri = at(parsed, 'plugins', 'io.containerd.grpc.v1.cri');
    expect(cri).toMatchObject({
      sandbox_image: '10.250.3.1:5000/spinkube/pause:1.0',
      restrict_oom_score_adj: true,
      netns_mounts_under_state_dir: true,
    });
    const runtimes = at(cri, 'containerd', 'runtimes');
    expect(at(runtimes, 'runc', 'options')).toEqual({ SystemdCgroup: false, Root: paths.runcRoot });
    expect(at(runtimes, 'spin-v2')['runtime_type']).toBe('io.containerd.spin.v2');
    expect(at(cri, 'cni')).toEqual({ bin_dir: '/usr/lib/cni', conf_dir: '/d/cni/net.d' });
    expect(at(cri, 'registry')['config_path']).toBe(paths.registryConfig);
  });

  it('for 2.x (version 3): images, runtime and transfer plugins, NRI off', () => {
    const parsed = config(2);
    expect(parsed['version']).toBe(3);
    const plugins = at(parsed, 'plugins');
    expect(at(plugins, 'io.containerd.cri.v1.images', 'pinned_images')['sandbox']).toBe(
      '10.250.3.1:5000/spinkube/pause:1.0',
    );
    expect(at(plugins, 'io.containerd.cri.v1.images', 'registry')['config_path']).toBe(paths.registryConfig);
    expect(at(plugins, 'io.containerd.transfer.v1.local')['config_path']).toBe(paths.registryConfig);
    const runtime = at(plugins, 'io.containerd.cri.v1.runtime');
    expect(runtime).toMatchObject({ restrict_oom_score_adj: true, netns_mounts_under_state_dir: true });
    expect(at(runtime, 'containerd', 'runtimes', 'spin-v2')['runtime_type']).toBe('io.containerd.spin.v2');
    expect(at(runtime, 'cni')['bin_dirs']).toEqual(['/usr/lib/cni']);
    expect(at(plugins, 'io.containerd.nri.v1.nri')['disable']).toBe(true);
  });

  it('reaches the local registry over plain HTTP', () => {
    expect(toml(plainHttpRegistryHosts('10.250.3.1:5000'))).toEqual({
      server: 'http://10.250.3.1:5000',
      host: { 'http://10.250.3.1:5000': { capabilities: ['pull', 'resolve'] } },
    });
  });
});

describe('the node components', () => {
  it('CNI: a gateway bridge with masquerade and hairpin, addresses from the pod CIDR, state in the cluster', () => {
    const conf = JSON.parse(renderCniConfig({ podCidr: '10.244.3.0/24', ipamDir: '/d/cni/ipam' })) as {
      plugins: Table[];
    };
    expect(conf.plugins.map((plugin) => plugin['type'])).toEqual(['bridge', 'portmap']);
    expect(conf.plugins[0]).toMatchObject({
      isGateway: true,
      ipMasq: true,
      hairpinMode: true,
      ipam: { type: 'host-local', ranges: [[{ subnet: '10.244.3.0/24' }]], dataDir: '/d/cni/ipam' },
    });
  });

  it('kubelet: webhook authorization, the CA for clients, cgroupfs under the node root, no eviction', () => {
    const kubelet = parse(
      renderKubeletConfig({
        nodeAddress: '10.250.3.2',
        clientCaFile: '/d/pki/ca.crt',
        tlsCertFile: '/d/node/pki/kubelet.crt',
        tlsPrivateKeyFile: '/d/node/pki/kubelet.key',
        cgroupRoot: '/spinkube-3',
        containerRuntimeEndpoint: 'unix:///d/containerd/containerd.sock',
        clusterDns: '10.96.0.10',
        podLogsDir: '/d/node/pod-logs',
        resolvConf: '/d/node/resolv.conf',
        podCidr: '10.244.3.0/24',
      }),
    ) as Table;
    expect(kubelet).toMatchObject({
      kind: 'KubeletConfiguration',
      address: '10.250.3.2',
      readOnlyPort: 0,
      authentication: { anonymous: { enabled: false }, x509: { clientCAFile: '/d/pki/ca.crt' } },
      authorization: { mode: 'Webhook' },
      cgroupDriver: 'cgroupfs',
      cgroupRoot: '/spinkube-3',
      clusterDNS: ['10.96.0.10'],
      podLogsDir: '/d/node/pod-logs',
    });
    expect(Object.values(at(kubelet, 'evictionHard'))).toEqual(['0%', '0%', '0%', '0%', '0%']);
  });

  it('kube-proxy: iptables, leaving the machine-wide conntrack settings alone', () => {
    const proxy = parse(
      renderKubeProxyConfig({
        kubeconfig: '/d/kube-proxy.kubeconfig',
        nodeName: 'n',
        nodeAddress: '10.250.3.2',
        podCidr: '10.244.3.0/24',
      }),
    ) as Table;
    expect(proxy).toMatchObject({
      mode: 'iptables',
      hostnameOverride: 'n',
      clusterCIDR: '10.244.3.0/24',
      conntrack: { maxPerCore: 0, min: 0 },
    });
  });

  it('CoreDNS: cluster names on the node address, and no forward to a resolver outside', () => {
    const corefile = renderCorefile({
      listenAddress: '10.250.3.2',
      kubeconfig: '/d/coredns.kubeconfig',
      healthPort: 18080,
    });
    expect(corefile).toContain('bind 10.250.3.2');
    expect(corefile).toContain('kubernetes cluster.local in-addr.arpa ip6.arpa');
    expect(corefile).not.toContain('forward');
  });
});
