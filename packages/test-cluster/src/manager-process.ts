/**
 * A controller manager (spin-operator, runtime-class-manager) run by tests as the real process it is: its
 * JSON log lines on stderr collected and waited for, `/readyz` polled until it answers, stopped by PID.
 * `stopManagerProcesses()` kills whatever a test file left running (call it from `afterAll`).
 */
import { spawn, type ChildProcess } from 'node:child_process';

export type LogLine = Record<string, unknown>;

export interface ManagerProcessOptions {
  /** Names the process in errors: `spin-operator`. */
  readonly name: string;
  /** Arguments of `node` (flags, then the script and its flags). */
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Resolve only once `/readyz` on 127.0.0.1 at this port answers 200; without it, once started. */
  readonly readyPort?: number;
  readonly readyTimeoutMs?: number;
}

export interface ManagerProcess {
  readonly pid: number;
  /** Parsed JSON log lines so far (a line that is no JSON becomes `{ msg, unparsed: true }`). */
  readonly logs: LogLine[];
  readonly exited: boolean;
  /** Resolves with the first log line matching, or rejects after `timeoutMs`. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** SIGTERM (graceful) by default; resolves with the exit code or signal. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

const running = new Set<ChildProcess>();

/** Kills (SIGKILL) every manager process still running. */
export async function stopManagerProcesses(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => {
            resolve();
          });
          child.kill('SIGKILL');
        }),
    ),
  );
}

export async function startManagerProcess(options: ManagerProcessOptions): Promise<ManagerProcess> {
  const child = spawn(process.execPath, options.args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  running.add(child);
  const logs: LogLine[] = [];
  const waiters: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  let buffered = '';
  let exitResult: number | string | undefined;
  const exit = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      exitResult = code ?? signal ?? 'unknown';
      resolve(exitResult);
    });
  });
  child.stderr.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const text of lines) {
      let line: LogLine;
      try {
        line = JSON.parse(text) as LogLine;
      } catch {
        line = { msg: text, unparsed: true };
      }
      logs.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.match(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });

  const manager: ManagerProcess = {
    pid: child.pid ?? 0,
    logs,
    get exited() {
      return exitResult !== undefined;
    },
    waitForLog: (match, timeoutMs = 30_000) => {
      const found = logs.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(
              `no matching ${options.name} log line in ${String(timeoutMs)} ms; last lines:\n${tail(logs)}`,
            ),
          );
        }, timeoutMs);
        waiters.push({
          match,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
    stop: async (signal = 'SIGTERM') => {
      if (exitResult === undefined) child.kill(signal);
      return exit;
    },
  };

  if (options.readyPort !== undefined) {
    const timeoutMs = options.readyTimeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exitResult !== undefined)
        throw new Error(`${options.name} exited (${String(exitResult)}):\n${tail(logs)}`);
      const ready = await fetch(`http://127.0.0.1:${String(options.readyPort)}/readyz`).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline)
        throw new Error(`${options.name} not ready after ${String(timeoutMs / 1000)} s:\n${tail(logs)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return manager;
}

function tail(logs: readonly LogLine[]): string {
  return logs
    .slice(-15)
    .map((line) => JSON.stringify(line))
    .join('\n');
}
