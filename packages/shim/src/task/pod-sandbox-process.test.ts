import { describe, expect, it } from 'vitest';
import { parseBundleSpec } from '../bundle/oci-spec.js';
import { PodSandboxProcess, podSandboxCommand } from './pod-sandbox-process.js';

const spec = (namespaces: unknown[], hostname?: string) =>
  parseBundleSpec({ linux: { namespaces }, ...(hostname ? { hostname } : {}) }, '/bundle');

describe('podSandboxCommand', () => {
  it('joins the namespaces CRI gives by path, makes the new ones, and names the new UTS namespace', () => {
    const command = podSandboxCommand(
      spec(
        [
          { type: 'pid' },
          { type: 'ipc' },
          { type: 'uts' },
          { type: 'mount' },
          { type: 'network', path: '/var/run/netns/cni-1' },
        ],
        'web-0',
      ),
    );
    expect(command).toEqual([
      'setpriv',
      '--pdeathsig',
      'KILL',
      '--',
      'nsenter',
      '--net=/var/run/netns/cni-1',
      '--',
      'unshare',
      '--ipc',
      '--uts',
      '--',
      'sh',
      '-c',
      'printf %s "$1" > /proc/sys/kernel/hostname && exec sleep infinity',
      'pod-sandbox',
      'web-0',
    ]);
  });

  it('stays in the node namespaces a host-network pod shares, never setting the node hostname', () => {
    const command = podSandboxCommand(spec([{ type: 'pid' }, { type: 'ipc' }, { type: 'mount' }], 'node-1'));
    expect(command).toEqual([
      'setpriv',
      '--pdeathsig',
      'KILL',
      '--',
      'unshare',
      '--ipc',
      '--',
      'sh',
      '-c',
      'exec sleep infinity',
      'pod-sandbox',
    ]);
  });
});

describe('PodSandboxProcess.start', () => {
  it('fails with nsenter’s own reason when the pod network namespace does not exist', async () => {
    const missing = spec([{ type: 'network', path: '/nonexistent/netns/cni-0' }]);
    await expect(PodSandboxProcess.start(missing)).rejects.toThrow(
      /cannot start the pod sandbox process \(setpriv .*--net=\/nonexistent\/netns\/cni-0.*\): .*nonexistent/,
    );
  });
});
