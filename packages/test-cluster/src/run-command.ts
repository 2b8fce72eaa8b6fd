/**
 * Runs a short-lived command to completion and collects its output: the one way the test clusters and the
 * shim's containerd harness call `ctr`, `ip`, `umount` and `ldd`. A timeout kills it by PID, so a hung
 * command fails the test instead of the run.
 */
import { spawn } from 'node:child_process';
import { TestClusterError } from './errors.js';
import { processEnv } from './local/processes.js';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunCommandOptions {
  readonly input?: string | Uint8Array;
  /** Killed with SIGKILL after this long; 60 s by default. */
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

export async function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<CommandResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const child = spawn(command, args, { env: options.env ?? processEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  // A command that does not read its input must not fail us with EPIPE.
  child.stdin.on('error', () => undefined);
  child.stdin.end(options.input);
  const timeout = { fired: false };
  const timer = setTimeout(() => {
    timeout.fired = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  try {
    const code = await new Promise<number>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (exitCode, signal) => {
        resolve(exitCode ?? (signal ? 128 : 1));
      });
    });
    const err = Buffer.concat(stderr).toString('utf8');
    return {
      code,
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: timeout.fired ? `${err}\n(killed after ${String(timeoutMs)} ms)` : err,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs a command that must succeed; the error names the command and carries its stderr. */
export async function runChecked(
  command: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<string> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) {
    throw new TestClusterError(
      'CommandFailed',
      `${[command, ...args].join(' ')} exited with ${String(result.code)}: ${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
  return result.stdout;
}
