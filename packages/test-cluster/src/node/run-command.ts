/** Runs a short-lived command (ip, iptables, umount, …) and fails with its stderr when it fails. */
import { execFile } from 'node:child_process';
import { TestClusterError } from '../errors.js';
import { processEnv } from '../local/processes.js';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command`; never rejects: the exit code and output say how it went. */
export function runCommand(
  command: string,
  args: readonly string[],
  timeoutMs = 30_000,
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { env: processEnv(), timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr: stderr || (error && code !== 0 ? error.message : '') });
      },
    );
  });
}

/** Runs `command` and returns its stdout; rejects naming the command line and its stderr when it fails. */
export async function runChecked(
  command: string,
  args: readonly string[],
  timeoutMs?: number,
): Promise<string> {
  const result = await runCommand(command, args, timeoutMs);
  if (result.code !== 0)
    throw new TestClusterError(
      'CommandFailed',
      `${[command, ...args].join(' ')} exited with ${String(result.code)}: ${result.stderr.trim()}`,
    );
  return result.stdout;
}
