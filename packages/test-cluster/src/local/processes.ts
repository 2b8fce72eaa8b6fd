/**
 * Starting, stopping and restarting the cluster's processes. Each process logs to its own file in the
 * cluster's data directory and is stopped by its PID: SIGTERM, then SIGKILL if it has not exited in time.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, openSync, closeSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { TestClusterError } from '../errors.js';

export interface StartedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** The binary and arguments it was started with, so it can be restarted exactly as it was. */
  readonly command: string;
  readonly args: readonly string[];
  /** Environment given on top of ours (also on a restart). */
  readonly env?: Readonly<Record<string, string>>;
}

/** How a process is stopped: SIGTERM with a grace period before SIGKILL, or SIGKILL at once (a crash). */
export type StopSignal = 'SIGTERM' | 'SIGKILL';

export interface RestartProcessOptions {
  readonly signal?: StopSignal;
  /** How long a SIGTERM'd process may take to exit before it is killed (5 s by default). */
  readonly graceMs?: number;
  /** How long to wait between the old process being gone and the new one starting (0 by default). */
  readonly downtimeMs?: number;
  /** Runs once the old process is gone and the downtime is over, right before the new one starts. */
  readonly beforeStart?: () => Promise<void>;
}

/** Starts `command` detached from this process's group, so a cluster can outlive the command that made it. */
export function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  logDir: string,
  env?: Readonly<Record<string, string>>,
): StartedProcess {
  const logFile = join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: processEnv(env),
    });
    if (child.pid === undefined)
      throw new TestClusterError('ProcessExited', `${name} (${command}) did not start`);
    child.unref();
    return { name, pid: child.pid, logFile, command, args: [...args], ...(env ? { env } : {}) };
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

/**
 * Stops a process by PID and waits until it is gone: SIGTERM, then SIGKILL after `graceMs`; or SIGKILL at
 * once when asked for it.
 */
export async function stopProcess(
  pid: number,
  graceMs = 5_000,
  stopSignal: StopSignal = 'SIGTERM',
): Promise<void> {
  if (!isAlive(pid)) return;
  if (stopSignal === 'SIGTERM') {
    signal(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline) {
      if (!isAlive(pid) && !hasLiveThreads(pid)) return;
      await sleep(50);
    }
  }
  signal(pid, 'SIGKILL');
  for (let i = 0; i < 250 && (isAlive(pid) || hasLiveThreads(pid)); i++) await sleep(20);
}

/**
 * A killed multi-threaded process (every Go binary) shows its main thread as a zombie while its other
 * threads are still exiting, and its sockets stay open until the last one has: a restart on the same port
 * must wait for them, or it fails with "address already in use".
 */
function hasLiveThreads(pid: number): boolean {
  try {
    return readdirSync(`/proc/${String(pid)}/task`).some((task) => {
      const stat = readFileSync(`/proc/${String(pid)}/task/${task}/stat`, 'utf8');
      return stat.split(') ')[1]?.[0] !== 'Z';
    });
  } catch {
    return false;
  }
}

/**
 * Stops a process by its PID and starts it again with the same binary and arguments, logging to the same
 * file (a marker line separates the two runs). Returns the new process; waiting for it to be healthy is
 * the caller's business.
 */
export async function restartProcess(
  process: StartedProcess,
  options: RestartProcessOptions = {},
): Promise<StartedProcess> {
  const stopSignal = options.signal ?? 'SIGTERM';
  await stopProcess(process.pid, options.graceMs, stopSignal);
  // Its ports and files are only free once it is gone.
  if (isAlive(process.pid))
    throw new TestClusterError(
      'Timeout',
      `${process.name} (pid ${String(process.pid)}) is still alive 5 s after SIGKILL; not restarting it`,
    );
  if (options.downtimeMs) await sleep(options.downtimeMs);
  await options.beforeStart?.();
  appendFileSync(
    process.logFile,
    `\n--- ${new Date().toISOString()} restarted by @spinkube/test-cluster (pid ${String(process.pid)} stopped with ${stopSignal}) ---\n`,
  );
  return startProcess(process.name, process.command, process.args, dirname(process.logFile), process.env);
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

/**
 * The child environment: ours minus proxies (loopback and namespace traffic must never be routed
 * elsewhere), plus `extra`.
 */
export function processEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const proxies = new Set([
    'HTTP_PROXY',
    'HTTPS_PROXY',
    'http_proxy',
    'https_proxy',
    'ALL_PROXY',
    'all_proxy',
  ]);
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !proxies.has(key)));
  return { ...env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', ...extra };
}
