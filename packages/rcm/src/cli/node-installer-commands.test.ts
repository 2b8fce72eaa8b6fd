import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostCommands } from '../node-installer/host-commands.js';
import { runInstallerCommand } from './node-installer-commands.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'rcm-cli-'));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/**
 * A node whose containerd (in a fixture /proc) is started again by its supervisor when signalled, unless
 * `supervisor.down` (then it only exits).
 */
function node() {
  const supervisor = { down: false };
  const root = tree({ 'etc/containerd/config.toml': 'version = 2\n' });
  const assets = tree({ 'containerd-shim-spin-v2': 'shim' });
  const args = ['containerd', '--config', join(root, 'etc/containerd/config.toml')];
  let pid = 100;
  const proc = tree({ [`${String(pid)}/comm`]: 'containerd\n', [`${String(pid)}/cmdline`]: args.join('\0') });
  const host: HostCommands = {
    run: () => Promise.resolve({ code: 1, stdout: '', stderr: 'no systemd' }),
    signal: (signalled) => {
      rmSync(join(proc, String(signalled)), { recursive: true });
      if (supervisor.down) return;
      pid++;
      mkdirSync(join(proc, String(pid)));
      writeFileSync(join(proc, String(pid), 'comm'), 'containerd\n');
      writeFileSync(join(proc, String(pid), 'cmdline'), args.join('\0'));
    },
  };
  const start = () => {
    pid++;
    mkdirSync(join(proc, String(pid)));
    writeFileSync(join(proc, String(pid), 'comm'), 'containerd\n');
    writeFileSync(join(proc, String(pid), 'cmdline'), args.join('\0'));
  };
  return { root, assets, supervisor, start, restart: { procDir: proc, host, pollMs: 5, timeoutMs: 500 } };
}

async function lines(run: (output: { out: (line: string) => void; progress: () => void }) => Promise<void>) {
  const printed: string[] = [];
  await run({ out: (line) => printed.push(line), progress: () => undefined });
  return printed;
}

describe('what install and uninstall print', () => {
  it('says what changed and how containerd restarted, and that nothing did the second time', async () => {
    const { root, assets, restart } = node();
    const command = {
      name: 'install' as const,
      options: { runtime: 'spin-v2', rcmPath: '/opt/rcm', hostRoot: root, assetPath: assets },
    };
    expect(await lines((output) => runInstallerCommand(command, output, restart))).toEqual([
      'preset: default',
      'config: /etc/containerd/config.toml (changed)',
      'binary: /opt/rcm/bin/containerd-shim-spin-v2 (written)',
      'runtimes: spin-v2',
      'restart: containerd 100 stopped with SIGTERM; its supervisor started containerd 101',
    ]);
    expect(await lines((output) => runInstallerCommand(command, output, restart))).toEqual([
      'preset: default',
      'config: /etc/containerd/config.toml (unchanged)',
      'binary: /opt/rcm/bin/containerd-shim-spin-v2 (unchanged)',
      'runtimes: spin-v2',
      'restart: not needed, nothing changed',
    ]);
    const uninstall = {
      name: 'uninstall' as const,
      options: { runtime: 'spin-v2', rcmPath: '/opt/rcm', hostRoot: root },
    };
    expect(await lines((output) => runInstallerCommand(uninstall, output, restart))).toEqual([
      'preset: default',
      'config: /etc/containerd/config.toml (changed)',
      'binary: /opt/rcm/bin/containerd-shim-spin-v2 (removed)',
      'runtimes: spin-v2 (removed)',
      'restart: containerd 101 stopped with SIGTERM; its supervisor started containerd 102',
    ]);
  });
});

describe('a restart that did not finish', () => {
  it('is done by the next run, though nothing changes then', async () => {
    const { root, assets, supervisor, start, restart } = node();
    const install = {
      name: 'install' as const,
      options: { runtime: 'spin-v2', rcmPath: '/opt/rcm', hostRoot: root, assetPath: assets },
    };
    supervisor.down = true;
    await expect(lines((output) => runInstallerCommand(install, output, restart))).rejects.toThrow(
      /containerd 100 exited after SIGTERM, but no new containerd/,
    );
    expect(readFileSync(join(root, 'opt/rcm/restart-pending'), 'utf8')).toBe('/etc/containerd/config.toml\n');

    supervisor.down = false;
    start();
    expect((await lines((output) => runInstallerCommand(install, output, restart))).at(-1)).toBe(
      'restart: containerd 101 stopped with SIGTERM; its supervisor started containerd 102 (due since an earlier run that did not finish it)',
    );
    expect(existsSync(join(root, 'opt/rcm/restart-pending'))).toBe(false);
  });

  it('is done by a retried uninstall, which finds the shim removed already', async () => {
    const { root, assets, supervisor, start, restart } = node();
    const options = { runtime: 'spin-v2', rcmPath: '/opt/rcm', hostRoot: root };
    await lines((output) =>
      runInstallerCommand({ name: 'install', options: { ...options, assetPath: assets } }, output, restart),
    );
    supervisor.down = true;
    await expect(
      lines((output) => runInstallerCommand({ name: 'uninstall', options }, output, restart)),
    ).rejects.toThrow(/no new containerd/);

    supervisor.down = false;
    start();
    expect(
      await lines((output) => runInstallerCommand({ name: 'uninstall', options }, output, restart)),
    ).toEqual([
      'preset: default',
      'runtimes: spin-v2 (removed by an earlier run)',
      'restart: containerd 102 stopped with SIGTERM; its supervisor started containerd 103 (due since an earlier run that did not finish it)',
    ]);
    expect(existsSync(join(root, 'opt/rcm'))).toBe(false);
    // Once done, another uninstall has nothing to do and succeeds (a Shim's deletion must finish).
    expect(
      await lines((output) => runInstallerCommand({ name: 'uninstall', options }, output, restart)),
    ).toEqual(['runtimes: spin-v2 (not installed; nothing to do)', 'restart: not needed, nothing changed']);
  });
});
