import { describe, expect, it } from 'vitest';
import { mountPointsBelow, parseMountinfo, pinnedMountNamespaces } from './mountinfo.js';

const MOUNTINFO = [
  '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
  '45 27 254:0 /run/netns /run/netns rw,relatime shared:1 - ext4 /dev/vda rw',
  '47 27 254:0 /c/node/ns /c/node/ns rw,relatime - ext4 /dev/vda rw',
  '72 47 0:4 mnt:[4026532242] /c/node/ns/mnt rw - nsfs nsfs rw',
  '73 45 0:4 net:[4026532100] /run/netns/spkn3-0 rw shared:1 master:2 - nsfs nsfs rw',
  '80 27 0:50 / /c/node/kubelet/with\\040space rw - tmpfs tmpfs rw',
  '',
].join('\n');

describe('parseMountinfo', () => {
  it('reads root, mount point and type past the optional fields, decoding octal escapes', () => {
    const entries = parseMountinfo(MOUNTINFO);
    expect(entries).toHaveLength(6);
    expect(entries[4]).toEqual({
      root: 'net:[4026532100]',
      mountPoint: '/run/netns/spkn3-0',
      fsType: 'nsfs',
    });
    expect(entries[5]?.mountPoint).toBe('/c/node/kubelet/with space');
  });
});

describe('mountPointsBelow', () => {
  it('lists the directory and what is below it, deepest first, and not a sibling with the same prefix', () => {
    const entries = [
      ...parseMountinfo(MOUNTINFO),
      { root: '/', mountPoint: '/c/node-other', fsType: 'ext4' },
    ];
    expect(mountPointsBelow(entries, '/c/node')).toEqual([
      '/c/node/kubelet/with space',
      '/c/node/ns/mnt',
      '/c/node/ns',
    ]);
  });
});

describe('pinnedMountNamespaces', () => {
  it('finds mount namespaces pinned on nsfs, not network namespaces', () => {
    expect(pinnedMountNamespaces(parseMountinfo(MOUNTINFO))).toEqual([4026532242]);
  });
});
