import { describe, expect, it } from 'vitest';
import { serviceUnitOf } from './service-unit.js';

describe('the systemd service of a process, from its cgroup file', () => {
  it('reads the unified hierarchy (cgroup v2)', () => {
    expect(serviceUnitOf('0::/system.slice/containerd.service\n')).toBe('containerd.service');
    expect(serviceUnitOf('0::/system.slice/k3s.service\n')).toBe('k3s.service');
  });

  it("reads cgroup v1's name=systemd line, not the controllers'", () => {
    const v1 = [
      '12:memory:/system.slice/docker.service',
      '4:cpu,cpuacct:/',
      '1:name=systemd:/system.slice/rke2-agent.service',
      '0::/system.slice/rke2-agent.service',
    ].join('\n');
    expect(serviceUnitOf(v1)).toBe('rke2-agent.service');
  });

  it('takes the innermost service of a node inside a container (kind)', () => {
    expect(serviceUnitOf('0::/system.slice/docker-4f2a.scope/system.slice/containerd.service\n')).toBe(
      'containerd.service',
    );
  });

  it("finds none for a session, a user manager's unit, or a process outside systemd", () => {
    expect(serviceUnitOf('0::/user.slice/user-1000.slice/session-2.scope\n')).toBeUndefined();
    expect(
      serviceUnitOf('0::/user.slice/user-1000.slice/user@1000.service/app.slice/containerd.service\n'),
    ).toBeUndefined();
    expect(serviceUnitOf('0::/spinkube-3/runtime\n')).toBeUndefined();
    expect(serviceUnitOf('')).toBeUndefined();
  });
});
