import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClusterError } from '../errors.js';
import { freePorts } from './ports.js';
import { isAlive, startProcess, stopProcess, waitFor } from './processes.js';

const dirs: string[] = [];
const logDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'spinkube-proc-test-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('process supervision', () => {
  it('starts a process detached, logs its output to a file and stops it by PID', async () => {
    const dir = logDir();
    const proc = startProcess('echoer', '/bin/sh', ['-c', 'echo started; exec sleep 30'], dir);
    await waitFor(
      'the log line',
      () => Promise.resolve(readFileSync(proc.logFile, 'utf8').includes('started')),
      {
        timeoutMs: 5_000,
        process: proc,
      },
    );
    expect(isAlive(proc.pid)).toBe(true);
    await stopProcess(proc.pid);
    expect(isAlive(proc.pid)).toBe(false);
  });

  it('kills a process that ignores SIGTERM after the grace period', async () => {
    const proc = startProcess(
      'stubborn',
      '/bin/sh',
      ['-c', "trap '' TERM; while true; do sleep 0.1; done"],
      logDir(),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    await stopProcess(proc.pid, 300);
    expect(isAlive(proc.pid)).toBe(false);
  });

  it('fails fast, with the log, when the process dies while being waited for', async () => {
    const proc = startProcess('crasher', '/bin/sh', ['-c', 'echo "fatal: bad flag" >&2; exit 3'], logDir());
    const waiting = waitFor('never', () => Promise.resolve(false), { timeoutMs: 10_000, process: proc });
    await expect(waiting).rejects.toThrow(TestClusterError);
    await expect(waiting).rejects.toThrow(/crasher exited while waiting for never[\s\S]*fatal: bad flag/);
  });

  it('times out naming what it waited for', async () => {
    await expect(waitFor('the impossible', () => Promise.resolve(false), { timeoutMs: 200 })).rejects.toThrow(
      'timed out after 200 ms waiting for the impossible',
    );
  });
});

describe('freePorts', () => {
  it('returns distinct ports on loopback', async () => {
    const ports = await freePorts(6);
    expect(new Set(ports).size).toBe(6);
    for (const port of ports) expect(port).toBeGreaterThan(0);
  });
});
