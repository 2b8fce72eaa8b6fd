import { describe, expect, it } from 'vitest';
import { isSandbox, parseBundleSpec } from './oci-spec.js';

describe('parseBundleSpec', () => {
  it('reads env, args, the root, bind mounts, the network namespace and annotations', () => {
    const spec = parseBundleSpec(
      {
        process: { args: ['/'], env: ['PATH=/bin', 'SPIN_HTTP_LISTEN_ADDR=0.0.0.0:8080'], cwd: '/' },
        root: { path: 'rootfs' },
        hostname: 'pod-a',
        mounts: [
          {
            destination: '/runtime-config.toml',
            type: 'bind',
            source: '/var/lib/kubelet/x',
            options: ['rbind', 'ro'],
          },
        ],
        linux: { namespaces: [{ type: 'pid' }, { type: 'network', path: '/var/run/netns/cni-1' }] },
        annotations: { 'io.kubernetes.cri.container-type': 'container' },
      },
      '/run/b',
    );
    expect(spec).toMatchObject({
      args: ['/'],
      env: ['PATH=/bin', 'SPIN_HTTP_LISTEN_ADDR=0.0.0.0:8080'],
      rootPath: '/run/b/rootfs',
      network: { kind: 'path', path: '/var/run/netns/cni-1' },
      hostname: 'pod-a',
    });
    expect(spec.mounts[0]).toEqual({
      destination: '/runtime-config.toml',
      type: 'bind',
      source: '/var/lib/kubelet/x',
      options: ['rbind', 'ro'],
    });
    expect(isSandbox(spec)).toBe(false);
  });

  it('tells the host network, a new namespace and a sandbox apart', () => {
    expect(parseBundleSpec({ root: { path: '/abs' } }, '/b')).toMatchObject({
      network: { kind: 'host' },
      rootPath: '/abs',
    });
    expect(parseBundleSpec({ linux: { namespaces: [{ type: 'network' }] } }, '/b').network).toEqual({
      kind: 'new',
    });
    expect(
      isSandbox(parseBundleSpec({ annotations: { 'io.kubernetes.cri.container-type': 'sandbox' } }, '/b')),
    ).toBe(true);
  });

  it('names the file and field that is wrong', () => {
    expect(() => parseBundleSpec({ process: { env: 'A=1' } }, '/b')).toThrow(
      '/b/config.json: process.env must be a list of strings',
    );
    expect(() => parseBundleSpec({ mounts: [{ type: 'bind' }] }, '/b')).toThrow(
      '/b/config.json: mounts[0].destination must be a string',
    );
  });
});
