/**
 * Runs the built `spin-operator` binary as the tests' operator: a real process with its flags, reading the
 * test cluster's kubeconfig, reached over its real ports. Stopped by PID when the test file ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { OPERATOR_NODE_ENV, OPERATOR_NODE_FLAGS } from '../src/cli/node-flags.js';

const BINARY = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

export interface OperatorProcessOptions {
  readonly kubeconfigPath: string;
  /** Reconcile (and, with webhooks, admit) this namespace only, so test files never meet. */
  readonly watchNamespace?: string;
  /** The operator's own namespace: Lease and webhook certificate Secret. */
  readonly namespace: string;
  readonly webhooks?: boolean;
  readonly leaderElect?: boolean;
  readonly extraArgs?: readonly string[];
  /** Resolve once started without waiting for /readyz (leader candidates wait on the Lease, not on this). */
  readonly waitReady?: boolean;
}

export interface OperatorProcess {
  readonly pid: number;
  readonly ports: { readonly metrics: number; readonly health: number; readonly webhook: number };
  /** Parsed JSON log lines so far. */
  readonly logs: Record<string, unknown>[];
  /** Resolves with the first log line matching, or rejects after `timeoutMs`. */
  waitForLog(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** SIGTERM (graceful) by default; resolves with the exit code or signal. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
  readonly exited: boolean;
}

const running = new Set<ChildProcess>();
afterAll(async () => {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
});

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startOperatorProcess(options: OperatorProcessOptions): Promise<OperatorProcess> {
  const ports = { metrics: await freePort(), health: await freePort(), webhook: await freePort() };
  const args = [
    BINARY,
    `--kubeconfig=${options.kubeconfigPath}`,
    `--namespace=${options.namespace}`,
    `--metrics-bind-address=127.0.0.1:${String(ports.metrics)}`,
    `--health-probe-bind-address=127.0.0.1:${String(ports.health)}`,
    ...(options.watchNamespace ? [`--watch-namespace=${options.watchNamespace}`] : []),
    ...(options.leaderElect ? ['--leader-elect'] : []),
    ...(options.webhooks
      ? [
          '--enable-webhooks',
          `--webhook-port=${String(ports.webhook)}`,
          '--webhook-host=127.0.0.1',
          `--webhook-url=https://127.0.0.1:${String(ports.webhook)}`,
          `--webhook-cert-secret=webhook-cert-${options.namespace}`,
          `--mutating-webhook-configuration=mutating-${options.namespace}`,
          `--validating-webhook-configuration=validating-${options.namespace}`,
        ]
      : []),
    ...(options.extraArgs ?? []),
  ];
  // Started as its shebang starts it in production.
  const child = spawn(process.execPath, [...OPERATOR_NODE_FLAGS, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...OPERATOR_NODE_ENV },
  });
  running.add(child);
  const logs: Record<string, unknown>[] = [];
  const waiters: {
    match: (line: Record<string, unknown>) => boolean;
    resolve: (line: Record<string, unknown>) => void;
  }[] = [];
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
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
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

  const operator: OperatorProcess = {
    pid: child.pid ?? 0,
    ports,
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
            new Error(`no matching operator log line in ${String(timeoutMs)} ms; last lines:\n${tail(logs)}`),
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

  if (options.waitReady ?? true) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (exitResult !== undefined)
        throw new Error(`spin-operator exited (${String(exitResult)}):\n${tail(logs)}`);
      const ready = await fetch(`http://127.0.0.1:${String(ports.health)}/readyz`).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`spin-operator not ready after 60 s:\n${tail(logs)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (options.webhooks) await operator.waitForLog((line) => line['msg'] === 'Serving webhook server');
  }
  return operator;
}

function tail(logs: readonly Record<string, unknown>[]): string {
  return logs
    .slice(-15)
    .map((line) => JSON.stringify(line))
    .join('\n');
}
