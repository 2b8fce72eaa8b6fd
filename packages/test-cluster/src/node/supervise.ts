#!/usr/bin/env node
/**
 * The node's service manager for containerd, as systemd is on a real node: joins the given cgroup (so what
 * it starts is found there at teardown), runs the command, and starts it again one second after it exits
 * for any reason, so an installer that restarts containerd (or a crash) does not leave the node without a
 * runtime. The running child's PID is written to `--pid-file`. SIGTERM stops the child (SIGTERM, SIGKILL
 * after 10 s) and then the supervisor.
 *
 *   node supervise.js --cgroup /spinkube-3/runtime --pid-file <file> -- <command> [args…]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { joinCgroup } from './node-cgroups.js';

const RESTART_DELAY_MS = 1_000;
const STOP_GRACE_MS = 10_000;

const { values, positionals } = parseArgs({
  options: { cgroup: { type: 'string' }, 'pid-file': { type: 'string' } },
  allowPositionals: true,
});
const [command, ...args] = positionals;
if (command === undefined || values['pid-file'] === undefined) {
  process.stderr.write('usage: supervise --pid-file <file> [--cgroup <path>] -- <command> [args…]\n');
  process.exit(2);
}
const pidFile = values['pid-file'];
if (values.cgroup !== undefined) joinCgroup(process.pid, values.cgroup);

let child: ChildProcess | undefined;
let stopping = false;
let starts = 0;

function start(): void {
  starts += 1;
  const started = spawn(command as string, args, { stdio: 'inherit' });
  child = started;
  if (started.pid !== undefined) writeFileSync(pidFile, `${String(started.pid)}\n`);
  log(`started ${command as string} (pid ${String(started.pid)}, start ${String(starts)})`);
  started.once('error', (error) => {
    log(`cannot start ${command as string}: ${error.message}`);
  });
  started.once('exit', (code, signal) => {
    child = undefined;
    if (stopping) process.exit(0);
    log(`${command as string} exited (${signal ?? `code ${String(code)}`}); starting it again in 1 s`);
    setTimeout(start, RESTART_DELAY_MS);
  });
}

function stop(): void {
  if (stopping) return;
  stopping = true;
  if (!child) process.exit(0);
  child.kill('SIGTERM');
  setTimeout(() => child?.kill('SIGKILL'), STOP_GRACE_MS).unref();
}

function log(message: string): void {
  process.stderr.write(`supervise: ${new Date().toISOString()} ${message}\n`);
}

process.on('SIGTERM', stop);
process.on('SIGINT', stop);
start();
