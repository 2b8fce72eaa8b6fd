/**
 * What the restart does to the host: run a command (nsenter, systemctl) and send a signal to a process of
 * the host's PID namespace (the Job runs with `hostPID`, so the PIDs read from `/proc` are the ones `kill`
 * addresses). The installer uses `realHostCommands`; unit tests pass their own to record what would run.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  /** Exit code; 127 when the command could not be started. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface HostCommands {
  run(command: string, args: readonly string[]): Promise<CommandResult>;
  signal(pid: number, signal: NodeJS.Signals): void;
}

/** systemctl restart waits for the unit to be up; containerd with many containers can take a while. */
const COMMAND_TIMEOUT_MS = 180_000;

export const realHostCommands: HostCommands = {
  run: runCommand,
  signal: (pid, signal) => {
    process.kill(pid, signal);
  },
};

function runCommand(command: string, args: readonly string[]): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: COMMAND_TIMEOUT_MS,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (error) => {
      resolve({ code: 127, stdout, stderr: `${stderr}${error.message}` });
    });
    child.once('close', (code, signal) => {
      resolve({
        code: code ?? 128,
        stdout,
        stderr: signal ? `${stderr}killed by ${signal}` : stderr,
      });
    });
  });
}
