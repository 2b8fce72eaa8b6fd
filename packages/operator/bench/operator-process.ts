/**
 * The built `spin-operator` binary as the benchmark runs it: with the Node flags and environment of its
 * shebang (as in production), no webhooks, no leader election, its JSON log in a file, ready once /readyz
 * answers 200, stopped by its PID.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@spinkube/test-cluster';
import { OPERATOR_NODE_ENV, OPERATOR_NODE_FLAGS } from '../src/cli/node-flags.ts';

const BINARY = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

export interface BenchOperatorOptions {
  readonly kubeconfigPath: string;
  readonly logFile: string;
  /** `--max-concurrent-reconciles`; the binary's default when absent. */
  readonly maxConcurrentReconciles?: number;
  /** Write a V8 CPU profile of the operator into this directory when it exits. */
  readonly cpuProfileDir?: string;
}

export interface BenchOperator {
  readonly pid: number;
  readonly metricsUrl: string;
  /** Set once the process has exited, with its exit code or signal. */
  readonly exitStatus: string | undefined;
  /** Resolves with the exit code or signal when the process exits. */
  readonly exited: Promise<string>;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** The last lines of its log. */
  logTail(lines?: number): string;
}

export async function startBenchOperator(options: BenchOperatorOptions): Promise<BenchOperator> {
  const metricsPort = await freePort();
  const healthPort = await freePort();
  const args = [
    ...OPERATOR_NODE_FLAGS,
    ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
    BINARY,
    `--kubeconfig=${options.kubeconfigPath}`,
    `--metrics-bind-address=127.0.0.1:${String(metricsPort)}`,
    `--health-probe-bind-address=127.0.0.1:${String(healthPort)}`,
    ...(options.maxConcurrentReconciles === undefined
      ? []
      : [`--max-concurrent-reconciles=${String(options.maxConcurrentReconciles)}`]),
  ];
  const fd = openSync(options.logFile, 'a');
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', fd, fd],
    env: { ...process.env, ...OPERATOR_NODE_ENV },
  });
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) throw new Error('spin-operator did not start');
  let exitStatus: string | undefined;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      exitStatus = String(code ?? signal);
      resolve(exitStatus);
    });
  });
  const logTail = (lines = 20) => {
    try {
      return readFileSync(options.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  const operator: BenchOperator = {
    pid,
    metricsUrl: `http://127.0.0.1:${String(metricsPort)}/metrics`,
    get exitStatus() {
      return exitStatus;
    },
    exited,
    stop: async (graceMs = 35_000) => {
      if (exitStatus !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    logTail,
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exitStatus !== undefined)
      throw new Error(`spin-operator exited (${exitStatus}) before it was ready:\n${logTail()}`);
    const ready = await fetch(`http://127.0.0.1:${String(healthPort)}/readyz`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) return operator;
    if (Date.now() > deadline) {
      await operator.stop();
      throw new Error(`spin-operator not ready after 60 s:\n${logTail()}`);
    }
    await sleep(100);
  }
}
