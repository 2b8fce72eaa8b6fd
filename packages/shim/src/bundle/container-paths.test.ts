import { describe, expect, it } from 'vitest';
import { hostPath } from './container-paths.js';

const spec = {
  rootPath: '/run/b/rootfs',
  mounts: [
    { destination: '/proc', type: 'proc', source: 'proc', options: [] },
    {
      destination: '/runtime-config.toml',
      type: 'bind',
      source: '/var/lib/kubelet/pods/p/cm/rc.toml',
      options: ['rbind', 'ro'],
    },
    { destination: '/data', type: 'none', source: '/srv/data', options: ['rbind'] },
    { destination: '/data/inner', type: 'bind', source: '/srv/inner', options: [] },
  ],
};

describe('hostPath', () => {
  it('finds a file bind-mounted at the exact path', () => {
    expect(hostPath(spec, '/runtime-config.toml')).toBe('/var/lib/kubelet/pods/p/cm/rc.toml');
  });

  it('uses the longest bind mount that contains the path', () => {
    expect(hostPath(spec, '/data/x.txt')).toBe('/srv/data/x.txt');
    expect(hostPath(spec, '/data/inner/y')).toBe('/srv/inner/y');
    expect(hostPath(spec, '/database')).toBe('/run/b/rootfs/database');
  });

  it('falls back to the root filesystem and never escapes it', () => {
    expect(hostPath(spec, '/spin.toml')).toBe('/run/b/rootfs/spin.toml');
    expect(hostPath(spec, '../../etc/passwd')).toBe('/run/b/rootfs/etc/passwd');
  });
});
