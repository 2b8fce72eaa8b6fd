import { describe, expect, it } from 'vitest';
import { serverSocketPath, socketPathFromUri, socketUri } from './server-socket.js';

describe('serverSocketPath', () => {
  it('is one socket per containerd, under containerd’s shim socket directory', () => {
    const a = serverSocketPath('/run/containerd/containerd.sock', {});
    expect(a).toMatch(/^\/run\/containerd\/s\/[0-9a-f]{64}$/);
    expect(serverSocketPath('/run/containerd/containerd.sock', {})).toBe(a);
    expect(serverSocketPath('/tmp/other/containerd.sock', {})).not.toBe(a);
  });

  it('moves with SPINKUBE_SHIM_SOCKET_DIR', () => {
    expect(serverSocketPath('/c.sock', { SPINKUBE_SHIM_SOCKET_DIR: '/tmp/s' })).toMatch(/^\/tmp\/s\//);
  });

  it('converts between the unix:// address and the path', () => {
    expect(socketUri('/run/x')).toBe('unix:///run/x');
    expect(socketPathFromUri('unix:///run/x')).toBe('/run/x');
  });
});
