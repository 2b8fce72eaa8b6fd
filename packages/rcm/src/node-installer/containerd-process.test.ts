import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { containerdFor, containerdProcesses, seesSameFile } from './containerd-process.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A /proc with the given processes (comm and command line) and some entries that are not processes. */
function proc(processes: Record<number, [string, string[]]>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rcm-proc-'));
  dirs.push(dir);
  for (const [pid, [comm, args]] of Object.entries(processes)) {
    mkdirSync(join(dir, pid));
    writeFileSync(join(dir, pid, 'comm'), `${comm}\n`);
    writeFileSync(join(dir, pid, 'cmdline'), `${args.join('\0')}\0`);
  }
  mkdirSync(join(dir, 'sys'));
  writeFileSync(join(dir, 'uptime'), '1 1\n');
  return dir;
}

const CONFIG = '/etc/containerd/config.toml';

describe('finding the containerd to restart', () => {
  it('lists the processes named containerd, not the shims or a supervisor', () => {
    const dir = proc({
      1: ['systemd', ['/sbin/init']],
      40: ['containerd', ['/usr/bin/containerd']],
      41: ['containerd-shim', ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'k8s.io']],
      42: ['node', ['node', 'supervise.js', '--', 'containerd']],
    });
    expect(containerdProcesses(dir)).toEqual([{ pid: 40, args: ['/usr/bin/containerd'] }]);
  });

  it('takes the one whose command line names the config, among several', () => {
    const processes = containerdProcesses(
      proc({
        50: ['containerd', ['containerd', '--config', '/srv/other.toml']],
        51: ['containerd', ['containerd', `--config=${CONFIG}`]],
        52: ['containerd', ['containerd', '-c', '/srv/third.toml']],
      }),
    );
    expect(containerdFor(CONFIG, processes).pid).toBe(51);
    expect(containerdFor('/srv/third.toml', processes).pid).toBe(52);
  });

  it('takes the only one when none names a config, and refuses to guess among several', () => {
    expect(containerdFor(CONFIG, [{ pid: 7, args: ['containerd'] }]).pid).toBe(7);
    expect(() =>
      containerdFor(CONFIG, [
        { pid: 7, args: ['containerd'] },
        { pid: 8, args: ['containerd', '--config', '/srv/x.toml'] },
      ]),
    ).toThrow(
      'cannot tell which containerd reads /etc/containerd/config.toml: 7 (containerd); 8 (containerd --config /srv/x.toml)',
    );
    expect(() => containerdFor(CONFIG, [])).toThrow('no containerd process found to restart');
  });
});

describe('telling apart containerds of nodes that each have their own root', () => {
  it('takes the one that sees the edited file itself (same device and inode through /proc/<pid>/root)', () => {
    const dir = proc({
      10: ['containerd', ['containerd', '--config', CONFIG]],
      20: ['containerd', ['containerd', '--config', CONFIG]],
    });
    // Each process's root: its own /etc/containerd/config.toml. The installer edited node B's.
    const roots = ['a', 'b'].map((name) => {
      const root = join(dir, `root-${name}`);
      mkdirSync(join(root, 'etc', 'containerd'), { recursive: true });
      writeFileSync(join(root, CONFIG), `# node ${name}\n`);
      return root;
    });
    symlinkSync(roots[0] ?? '', join(dir, '10', 'root'));
    symlinkSync(roots[1] ?? '', join(dir, '20', 'root'));
    const edited = join(roots[1] ?? '', CONFIG);
    const ownNode = (process: { pid: number }) => seesSameFile(dir, process.pid, CONFIG, edited);

    const processes = containerdProcesses(dir);
    expect(() => containerdFor(CONFIG, processes)).toThrow('cannot tell which containerd reads');
    expect(containerdFor(CONFIG, processes, ownNode).pid).toBe(20);
    expect(seesSameFile(dir, 10, CONFIG, edited)).toBe(false);
    expect(seesSameFile(dir, 99, CONFIG, edited)).toBe(false);
  });
});
