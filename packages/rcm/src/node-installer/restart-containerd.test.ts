import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectPreset } from './distro-presets.js';
import type { CommandResult, HostCommands } from './host-commands.js';
import { restartContainerd } from './restart-containerd.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface FixtureProcess {
  readonly comm?: string;
  readonly args: readonly string[];
  readonly cgroup?: string;
}

/** A /proc tree: one directory per process with comm, cmdline and cgroup. */
class FixtureProc {
  readonly dir = mkdtempSync(join(tmpdir(), 'rcm-proc-'));
  constructor(processes: Record<number, FixtureProcess>) {
    dirs.push(this.dir);
    for (const [pid, process] of Object.entries(processes)) this.add(Number(pid), process);
    writeFileSync(join(this.dir, 'uptime'), '1 1\n');
  }
  add(pid: number, process: FixtureProcess): void {
    const dir = join(this.dir, String(pid));
    mkdirSync(dir);
    writeFileSync(join(dir, 'comm'), `${process.comm ?? 'containerd'}\n`);
    writeFileSync(join(dir, 'cmdline'), `${process.args.join('\0')}\0`);
    writeFileSync(join(dir, 'cgroup'), process.cgroup ?? '0::/\n');
    writeFileSync(join(dir, 'stat'), `${String(pid)} (${process.comm ?? 'containerd'}) S 1 1 1 0\n`);
  }
  remove(pid: number): void {
    rmSync(join(this.dir, String(pid)), { recursive: true });
  }
}

const ok: CommandResult = { code: 0, stdout: '', stderr: '' };

/**
 * Records what the restart would run on the host, answering each command from `answers` (matched on the
 * words after `systemctl`), and hands signals to `onSignal` (which plays the supervisor on the fixture).
 */
function recordingHost(
  answers: Record<string, CommandResult>,
  onSignal: (pid: number) => void = () => undefined,
): HostCommands & { commands: string[]; signals: string[] } {
  const commands: string[] = [];
  const signals: string[] = [];
  return {
    commands,
    signals,
    run: (command, args) => {
      commands.push([command, ...args].join(' '));
      const systemctl = args.slice(args.indexOf('systemctl') + 1).join(' ');
      return Promise.resolve(answers[systemctl] ?? ok);
    },
    signal: (pid, signal) => {
      signals.push(`${signal} ${String(pid)}`);
      onSignal(pid);
    },
  };
}

const ROOT = '/mnt/node-root';
const NSENTER = `nsenter -m${ROOT}/proc/1/ns/mnt -- systemctl`;
const NO_SYSTEMD: CommandResult = {
  code: 1,
  stdout: '',
  stderr: "System has not been booted with systemd as init system (PID 1). Can't operate.",
};
const DEFAULT = detectPreset(ROOT, '/etc/containerd/config.toml');
const K3S = detectPreset(ROOT, '/var/lib/rancher/k3s/agent/etc/containerd/config.toml.tmpl');
const RKE2 = detectPreset(ROOT, '/var/lib/rancher/rke2/agent/etc/containerd/config.toml.tmpl');

describe('restart with systemd reachable', () => {
  it("restarts the unit of the containerd that reads the edited config, after starting D-Bus, in PID 1's mount namespace", async () => {
    const proc = new FixtureProc({
      1: { comm: 'systemd', args: ['/sbin/init'] },
      310: { args: ['/usr/bin/containerd'], cgroup: '0::/system.slice/containerd.service\n' },
    });
    const host = recordingHost({});
    const report = await restartContainerd({ hostRoot: ROOT, preset: DEFAULT, procDir: proc.dir, host });
    expect(report).toEqual({
      kind: 'systemd',
      unit: 'containerd.service',
      chosenBy: 'cgroup',
      oldPid: 310,
      newPid: 310,
    });
    expect(host.commands).toEqual([
      `${NSENTER} list-units --type service`,
      `${NSENTER} start dbus --quiet`,
      `${NSENTER} restart containerd.service`,
    ]);
    expect(host.signals).toEqual([]);
  });

  it("restarts Kubernetes' containerd, not Docker's, on a host with both", async () => {
    const proc = new FixtureProc({
      200: { args: ['/usr/bin/containerd'], cgroup: '0::/system.slice/containerd.service\n' },
      300: {
        args: ['/usr/local/bin/containerd', '--config', '/etc/k8s/containerd.toml'],
        cgroup: '0::/system.slice/k8s-containerd.service\n',
      },
    });
    const host = recordingHost({});
    const preset = detectPreset(ROOT, '/etc/k8s/containerd.toml');
    const report = await restartContainerd({ hostRoot: ROOT, preset, procDir: proc.dir, host });
    expect(report).toMatchObject({ unit: 'k8s-containerd.service', chosenBy: 'cgroup', oldPid: 300 });
    expect(host.commands.at(-1)).toBe(`${NSENTER} restart k8s-containerd.service`);
  });

  it("k3s: finds k3s's containerd by the config.toml it generates from the edited template, and restarts k3s", async () => {
    const proc = new FixtureProc({
      90: {
        comm: 'k3s-server',
        args: ['/usr/local/bin/k3s', 'server'],
        cgroup: '0::/system.slice/k3s.service\n',
      },
      120: {
        args: [
          'containerd',
          '-c',
          '/var/lib/rancher/k3s/agent/etc/containerd/config.toml',
          '-a',
          '/run/k3s/containerd/containerd.sock',
        ],
        cgroup: '0::/system.slice/k3s.service\n',
      },
    });
    const host = recordingHost({});
    const report = await restartContainerd({ hostRoot: ROOT, preset: K3S, procDir: proc.dir, host });
    expect(report).toMatchObject({ kind: 'systemd', unit: 'k3s.service', chosenBy: 'cgroup', oldPid: 120 });
  });

  it("without a containerd process, restarts the first unit matching the distribution's pattern", async () => {
    const proc = new FixtureProc({ 1: { comm: 'systemd', args: ['/sbin/init'] } });
    const units = [
      'dbus.service        loaded active running D-Bus System Message Bus',
      'rke2-agent.service  loaded inactive dead  Rancher Kubernetes Engine v2 (agent)',
      'rke2-server.service loaded active running Rancher Kubernetes Engine v2 (server)',
    ].join('\n');
    const host = recordingHost({
      'list-units --type service --all --no-legend --plain': { code: 0, stdout: `${units}\n`, stderr: '' },
    });
    const report = await restartContainerd({ hostRoot: ROOT, preset: RKE2, procDir: proc.dir, host });
    expect(report).toEqual({ kind: 'systemd', unit: 'rke2-agent.service', chosenBy: 'pattern' });
    expect(host.commands.slice(1)).toEqual([
      `${NSENTER} list-units --type service --all --no-legend --plain`,
      `${NSENTER} start dbus --quiet`,
      `${NSENTER} restart rke2-agent.service`,
    ]);
  });

  it('fails naming the pattern when no process and no unit fit', async () => {
    const proc = new FixtureProc({});
    const host = recordingHost({
      'list-units --type service --all --no-legend --plain': {
        code: 0,
        stdout: 'ssh.service loaded active running OpenSSH\n',
        stderr: '',
      },
    });
    await expect(
      restartContainerd({ hostRoot: ROOT, preset: DEFAULT, procDir: proc.dir, host }),
    ).rejects.toThrow(
      'no containerd process reads /etc/containerd/config.toml or /mnt/node-root/etc/containerd/config.toml and no systemd unit matches /^containerd\\.service$/',
    );
  });

  it('stops when D-Bus cannot start, installing no package and restarting nothing', async () => {
    const proc = new FixtureProc({
      310: { args: ['/usr/bin/containerd'], cgroup: '0::/system.slice/containerd.service\n' },
    });
    const host = recordingHost({
      'start dbus --quiet': {
        code: 5,
        stdout: '',
        stderr: 'Failed to start dbus.service: Unit dbus.service not found.',
      },
    });
    const error = await restartContainerd({ hostRoot: ROOT, preset: DEFAULT, procDir: proc.dir, host }).catch(
      (reason: unknown) => reason,
    );
    expect(error).toMatchObject({
      code: 'RestartFailed',
      message:
        'D-Bus could not be started on the host (systemctl start dbus: exit 5: Failed to start dbus.service: Unit dbus.service not found.); the installer installs no packages: install and enable dbus on the node',
    });
    expect(host.commands).toHaveLength(2);
    expect(host.commands.join('\n')).not.toMatch(/apt-get|dnf|apk|yum|restart/);
  });

  it('names the unit when systemctl restart fails', async () => {
    const proc = new FixtureProc({
      310: { args: ['/usr/bin/containerd'], cgroup: '0::/system.slice/containerd.service\n' },
    });
    const host = recordingHost({
      'restart containerd.service': { code: 1, stdout: '', stderr: 'Job for containerd.service failed.\n' },
    });
    await expect(
      restartContainerd({ hostRoot: ROOT, preset: DEFAULT, procDir: proc.dir, host }),
    ).rejects.toThrow(
      'systemctl restart containerd.service failed: exit 1: Job for containerd.service failed.',
    );
  });

  it('signals a containerd that runs in no system service (another supervisor starts it again)', async () => {
    const proc = new FixtureProc({
      400: {
        args: ['containerd', '--config', '/etc/containerd/config.toml'],
        cgroup: '0::/spinkube-1/runtime\n',
      },
    });
    const host = recordingHost({}, (pid) => {
      proc.remove(pid);
      proc.add(401, { args: ['containerd', '--config', '/etc/containerd/config.toml'] });
    });
    const report = await restartContainerd({
      hostRoot: ROOT,
      preset: DEFAULT,
      procDir: proc.dir,
      host,
      pollMs: 10,
    });
    expect(report).toEqual({ kind: 'signal', oldPid: 400, newPid: 401 });
    expect(host.commands).toEqual([`${NSENTER} list-units --type service`]);
    expect(host.signals).toEqual(['SIGTERM 400']);
  });
});

describe('restart without systemd', () => {
  const unreachable = { 'list-units --type service': NO_SYSTEMD };

  it('sends SIGTERM to the containerd and reports the new one its supervisor started', async () => {
    const proc = new FixtureProc({
      1: { comm: 'supervisor', args: ['supervise'] },
      77: { args: ['/usr/bin/containerd', `--config=${ROOT}/etc/containerd/config.toml`] },
      78: { args: ['/usr/bin/containerd', '--config', '/srv/other/config.toml'] },
    });
    let ticks = 0;
    const host = recordingHost(unreachable, (pid) => {
      // The old one takes a moment to exit; the supervisor starts the new one a moment later.
      const timer = setInterval(() => {
        ticks++;
        if (ticks === 3) proc.remove(pid);
        if (ticks === 6) {
          proc.add(90, { args: ['/usr/bin/containerd', `--config=${ROOT}/etc/containerd/config.toml`] });
          clearInterval(timer);
        }
      }, 5);
    });
    const lines: string[] = [];
    const report = await restartContainerd({
      hostRoot: ROOT,
      preset: DEFAULT,
      procDir: proc.dir,
      host,
      pollMs: 5,
      log: (line) => lines.push(line),
    });
    expect(report).toEqual({ kind: 'signal', oldPid: 77, newPid: 90 });
    expect(host.signals).toEqual(['SIGTERM 77']);
    expect(lines[0]).toMatch(
      /^systemd is not reachable \(nsenter … systemctl list-units: exit 1: System has not been booted/,
    );
  });

  it('treats a containerd left as a zombie as gone', async () => {
    const proc = new FixtureProc({ 50: { args: ['containerd'] } });
    const host = recordingHost(unreachable, () => {
      writeFileSync(join(proc.dir, '50', 'stat'), '50 (containerd) Z 1 1 1 0\n');
      proc.add(51, { args: ['containerd'] });
    });
    await expect(
      restartContainerd({ hostRoot: ROOT, preset: DEFAULT, procDir: proc.dir, host, pollMs: 5 }),
    ).resolves.toEqual({ kind: 'signal', oldPid: 50, newPid: 51 });
  });

  it('fails naming the PID when containerd does not exit, or nothing starts it again', async () => {
    const stubborn = new FixtureProc({ 60: { args: ['containerd'] } });
    await expect(
      restartContainerd({
        hostRoot: ROOT,
        preset: DEFAULT,
        procDir: stubborn.dir,
        host: recordingHost(unreachable),
        timeoutMs: 50,
        pollMs: 5,
      }),
    ).rejects.toThrow('containerd 60 did not exit within 0.05 s of SIGTERM');

    const unsupervised = new FixtureProc({
      61: { args: ['containerd', '-c', '/etc/containerd/config.toml'] },
    });
    const error = await restartContainerd({
      hostRoot: ROOT,
      preset: DEFAULT,
      procDir: unsupervised.dir,
      host: recordingHost(unreachable, (pid) => unsupervised.remove(pid)),
      timeoutMs: 1_000,
      pollMs: 5,
    }).catch((reason: unknown) => reason);
    expect(error).toMatchObject({
      code: 'RestartFailed',
      message:
        'containerd 61 exited after SIGTERM, but no new containerd reading /etc/containerd/config.toml or /mnt/node-root/etc/containerd/config.toml started within 1 s: nothing supervises it (no systemd reachable, no supervisor)',
    });
  });

  it('refuses to guess among several containerds, and says when there is none', async () => {
    const several = new FixtureProc({
      10: { args: ['containerd'] },
      11: { args: ['containerd', '-c', '/x.toml'] },
    });
    await expect(
      restartContainerd({
        hostRoot: ROOT,
        preset: DEFAULT,
        procDir: several.dir,
        host: recordingHost(unreachable),
      }),
    ).rejects.toThrow(
      'cannot tell which containerd reads /etc/containerd/config.toml or /mnt/node-root/etc/containerd/config.toml: 10 (containerd); 11 (containerd -c /x.toml)',
    );
    const none = new FixtureProc({});
    await expect(
      restartContainerd({
        hostRoot: ROOT,
        preset: DEFAULT,
        procDir: none.dir,
        host: recordingHost(unreachable),
      }),
    ).rejects.toThrow('no containerd process found to restart');
  });

  it("k3s (k3d): SIGTERM to PID 1, as upstream's kill 1", async () => {
    const proc = new FixtureProc({
      1: { comm: 'k3s-agent', args: ['/bin/k3s', 'agent'] },
      30: { args: ['containerd', '-c', '/var/lib/rancher/k3s/agent/etc/containerd/config.toml'] },
    });
    const host = recordingHost(unreachable);
    await expect(
      restartContainerd({ hostRoot: ROOT, preset: K3S, procDir: proc.dir, host }),
    ).resolves.toEqual({
      kind: 'k3s-init',
    });
    expect(host.signals).toEqual(['SIGTERM 1']);
  });

  it('wraps a signal the kernel refuses', async () => {
    const proc = new FixtureProc({ 70: { args: ['containerd'] } });
    const host: HostCommands = {
      run: () => Promise.resolve(NO_SYSTEMD),
      signal: () => {
        throw Object.assign(new Error('kill EPERM'), { code: 'EPERM' });
      },
    };
    await expect(
      restartContainerd({ hostRoot: ROOT, preset: DEFAULT, procDir: proc.dir, host }),
    ).rejects.toThrow('cannot send SIGTERM to containerd 70: kill EPERM');
  });
});
