import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../src/local/processes.js';
import { readState } from '../src/local/state.js';
import { cacheRoot } from '../src/provision/tool-cache.js';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', 'dist', 'cli.js');
const name = `lifecycle-${randomBytes(3).toString('hex')}`;
const dataDir = join(cacheRoot(), 'clusters', name);

async function cluster(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, '--name', name, ...args], {
      timeout: 600_000,
    });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

const kubeconfigLine = (stdout: string) => /^KUBECONFIG=(.+)$/m.exec(stdout)?.[1];

describe('npm run cluster -- up|status|down', () => {
  it('up starts a cluster and prints KUBECONFIG=<absolute path> to a client-certificate kubeconfig', async () => {
    const up = await cluster('up');
    expect(up.code, up.stderr).toBe(0);
    const path = kubeconfigLine(up.stdout);
    expect(path).toBeDefined();
    expect(isAbsolute(path ?? '')).toBe(true);
    expect(existsSync(path ?? '')).toBe(true);
    const status = await cluster('status');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`${name}: running at https://127.0.0.1:`);
  });

  it('up on a running cluster reuses it: same kubeconfig, same processes', async () => {
    const before = readState(dataDir);
    const again = await cluster('up');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('already running');
    expect(kubeconfigLine(again.stdout)).toBe(before?.kubeconfigPath);
    expect(readState(dataDir)?.processes.map((p) => p.pid)).toEqual(before?.processes.map((p) => p.pid));
  });

  it('recovers from a crashed earlier run: the leftovers are stopped and a fresh cluster starts', async () => {
    const crashed = readState(dataDir);
    const apiserver = crashed?.processes.find((p) => p.name === 'kube-apiserver');
    expect(apiserver).toBeDefined();
    process.kill(apiserver?.pid ?? 0, 'SIGKILL');
    expect((await cluster('status')).code).toBe(1);

    const up = await cluster('up');
    expect(up.code, up.stderr).toBe(0);
    for (const p of crashed?.processes ?? [])
      expect(isAlive(p.pid), `${p.name} from the crashed run`).toBe(false);
    const fresh = readState(dataDir);
    expect(fresh?.processes.every((p) => isAlive(p.pid))).toBe(true);
    expect((await cluster('status')).code).toBe(0);
  });

  it('down stops every process by PID and removes the data', async () => {
    const running = readState(dataDir);
    const down = await cluster('down');
    expect(down.code, down.stderr).toBe(0);
    for (const p of running?.processes ?? []) expect(isAlive(p.pid), p.name).toBe(false);
    expect(existsSync(dataDir)).toBe(false);
    expect((await cluster('status')).code).toBe(1);
  });
});
