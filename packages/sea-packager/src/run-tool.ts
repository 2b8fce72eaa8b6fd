/** Runs the build's helper programs (node, strip, postject), showing their output only when they fail. */
import { spawn } from 'node:child_process';
import { basename } from 'node:path';

export interface RunToolOptions {
  /** Output lines not worth showing even when the command fails. */
  readonly quiet?: RegExp;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
  readonly cwd?: string;
}

/** Runs `command`; rejects with its exit status and (non-quiet) output when it fails. */
export function runTool(
  command: string,
  args: readonly string[],
  options: RunToolOptions = {},
): Promise<void> {
  const { quiet, env, timeoutMs, cwd } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(env ? { env } : {}),
      ...(timeoutMs ? { timeout: timeoutMs } : {}),
      ...(cwd ? { cwd } : {}),
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => {
      reject(new Error(`${command}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve();
        return;
      }
      const shown = output
        .split('\n')
        .filter((line) => line.trim() !== '' && !(quiet?.test(line) ?? false))
        .join('\n');
      reject(
        new Error(
          `${basename(command)} ${args.join(' ')} exited with ${signal ?? `code ${String(code)}`}${shown ? `:\n${shown}` : ''}`,
        ),
      );
    });
  });
}

/** A command's stdout. */
export function captureTool(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${command} exited with code ${String(code)}`));
    });
  });
}

export async function hasTool(command: string): Promise<boolean> {
  try {
    await runTool(command, ['--version']);
    return true;
  } catch {
    return false;
  }
}
