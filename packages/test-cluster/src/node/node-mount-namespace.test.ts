import { describe, expect, it } from 'vitest';
import { inNode, nodeNamespaces } from './node-commands.js';
import { hostPathOf, nodeRoot } from './node-mount-namespace.js';

const root = nodeRoot('/data/node/root');

describe('hostPathOf', () => {
  it("maps the node's own directories to the cluster's data", () => {
    expect(root.etcContainerd).toBe('/data/node/root/etc/containerd');
    expect(root.optRcm).toBe('/data/node/root/opt/rcm');
    expect(hostPathOf(root, '/etc/containerd/config.toml')).toBe(
      '/data/node/root/etc/containerd/config.toml',
    );
    expect(hostPathOf(root, '/opt/rcm')).toBe('/data/node/root/opt/rcm');
    expect(hostPathOf(root, '/opt/rcm/bin/containerd-shim-spin-v2')).toBe(
      '/data/node/root/opt/rcm/bin/containerd-shim-spin-v2',
    );
  });

  it("leaves every other path the host's, after resolving dots", () => {
    expect(hostPathOf(root, '/etc/containerd-old/config.toml')).toBe('/etc/containerd-old/config.toml');
    expect(hostPathOf(root, '/etc/containerd/../hosts')).toBe('/etc/hosts');
    expect(hostPathOf(root, '/opt')).toBe('/opt');
  });

  it('refuses a relative path', () => {
    expect(() => hostPathOf(root, 'etc/containerd/config.toml')).toThrow(
      'a node path is absolute: "etc/containerd/config.toml" is not',
    );
  });
});

describe('inNode', () => {
  it("enters the node's network and mount namespaces, and only those", () => {
    const node = { network: { netnsPath: '/run/netns/spkn3-0' }, mountNamespacePath: '/data/node/ns/mnt' };
    expect(inNode(nodeNamespaces(node), 'containerd', ['--config', '/etc/containerd/config.toml'])).toEqual([
      '--net=/run/netns/spkn3-0',
      '--mount=/data/node/ns/mnt',
      '--',
      'containerd',
      '--config',
      '/etc/containerd/config.toml',
    ]);
  });
});
