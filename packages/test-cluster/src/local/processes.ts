/**
 * Starting and stopping the cluster's processes. Each process logs to its own file in the cluster's data
 * directory and is stopped by its PID: SIGTERM, then SIGKILL if it has not exited in time.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestClusterError } from '../errors.js';

export interface StartedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
}

/** Starts `command` detached from this process's group, so a cluster can outlive the command that made it. */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  logDir: string,
): StartedProcess {
  const logFile = join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd], env: processEnv() });
    if (child.pid === undefined)
      throw new TestClusterError('ProcessExited', `${name} (${command}) did not start`);
    child.unref();
    return { name, pid: child.pid, logFile };
  } finally {
    closeSync(fd);
  }
}

/** Whether a process with this PID exists (and is not a zombie we could reap). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = `/proc/${String(pid)}/stat`;
  if (!existsSync(stat)) return false;
  const state = readFileSync(stat, 'utf8').split(') ')[1]?.[0];
  return state !== 'Z';
}

/** Stops a process by PID and waits until it is gone. */
export async function stopProcess(pid: number, graceMs = 5_000): Promise<void> {
  if (!isAlive(pid)) return;
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await sleep(50);
  }
  signal(pid, 'SIGKILL');
  for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(20);
}

/** The last lines a process logged, for error messages. */
export function logTail(process: StartedProcess, lines = 15): string {
  try {
    return readFileSync(process.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Polls `check` until it returns true; fails early with the log when the process died. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  options: { timeoutMs: number; process?: StartedProcess },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (options.process && !isAlive(options.process.pid)) {
      throw new TestClusterError(
        'ProcessExited',
        `${options.process.name} exited while waiting for ${what}; its log (${options.process.logFile}) ends:\n${logTail(options.process)}`,
      );
    }
    if (Date.now() > deadline) {
      const log = options.process ? `; ${options.process.name} log ends:\n${logTail(options.process)}` : '';
      throw new TestClusterError(
        'Timeout',
        `timed out after ${String(options.timeoutMs)} ms waiting for ${what}${log}`,
      );
    }
    await sleep(100);
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/** The child environment: ours minus proxies, which must never route loopback traffic elsewhere. */
function processEnv(): NodeJS.ProcessEnv {
  const proxies = new Set([
    'HTTP_PROXY',
    'HTTPS_PROXY',
    'http_proxy',
    'https_proxy',
    'ALL_PROXY',
    'all_proxy',
  ]);
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !proxies.has(key)));
  return { ...env, NO_PROXY: '127.0.0.1,localhost' };
}
