import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClusterError } from '../errors.js';
import { freePorts } from './ports.js';
import { isAlive, restartProcess, startProcess, stopProcess, waitFor } from './processes.js';

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

describe('restartProcess', () => {
  const logged = (file: string, text: string) => () =>
    Promise.resolve(readFileSync(file, 'utf8').includes(text));

  it('stops the process by PID and starts the same command and arguments, appending to the same log', async () => {
    const dir = logDir();
    const first = startProcess('counter', '/bin/sh', ['-c', 'echo "run $$"; exec sleep 30'], dir);
    await waitFor('the first run', logged(first.logFile, 'run '), { timeoutMs: 5_000, process: first });

    const second = await restartProcess(first, { downtimeMs: 100 });
    try {
      expect(isAlive(first.pid)).toBe(false);
      expect(isAlive(second.pid)).toBe(true);
      expect(second).toMatchObject({ name: 'counter', command: first.command, args: first.args });
      expect(second.logFile).toBe(first.logFile);
      await waitFor('the second run', logged(second.logFile, `run ${String(second.pid)}`), {
        timeoutMs: 5_000,
        process: second,
      });
      const log = readFileSync(second.logFile, 'utf8');
      expect(log).toContain(`run ${String(first.pid)}`);
      expect(log).toMatch(
        new RegExp(`restarted by @spinkube/test-cluster \\(pid ${String(first.pid)} stopped with SIGTERM\\)`),
      );
    } finally {
      await stopProcess(second.pid);
    }
  });

  it("with signal 'SIGKILL' kills at once, without waiting out the grace period", async () => {
    const stubborn = startProcess('stubborn', '/bin/sh', ['-c', "trap '' TERM; exec sleep 30"], logDir());
    const began = Date.now();
    const again = await restartProcess(stubborn, { signal: 'SIGKILL', graceMs: 10_000 });
    try {
      expect(Date.now() - began).toBeLessThan(2_000);
      expect(isAlive(stubborn.pid)).toBe(false);
      expect(isAlive(again.pid)).toBe(true);
      expect(readFileSync(again.logFile, 'utf8')).toContain('stopped with SIGKILL');
    } finally {
      await stopProcess(again.pid, 0, 'SIGKILL');
    }
  });
});

describe('freePorts', () => {
  it('returns distinct ports on loopback', async () => {
    const ports = await freePorts(6);
    expect(new Set(ports).size).toBe(6);
    for (const port of ports) expect(port).toBeGreaterThan(0);
  });
});
