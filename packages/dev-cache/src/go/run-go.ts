/** Runs the Go toolchain for third-party builds and module downloads; Go is used for nothing else. */
import { spawn } from 'node:child_process';
import { DevCacheError } from '../errors.js';

/**
 * The environment every go command gets: modules resolved without a vendor directory, no cgo, and
 * GOTOOLCHAIN=local, so the Go chosen here is the Go that runs (a go.mod `toolchain` line never makes it
 * download another one behind our back).
 */
export function goEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, GOFLAGS: '-mod=mod', CGO_ENABLED: '0', GOTOOLCHAIN: 'local', ...extra };
}

/** Runs `go <args>` in `cwd` and returns its stdout; on failure the error carries the last output lines. */
export async function runGo(
  go: string,
  args: readonly string[],
  cwd: string,
  extraEnv: Record<string, string> = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(go, args, { cwd, env: goEnv(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) {
        resolve(stdout);
        return;
      }
      const tail = output.trim().split('\n').slice(-20).join('\n');
      reject(
        new DevCacheError(
          'GoCommandFailed',
          `go ${args.join(' ')} failed (exit ${String(code)}) in ${cwd}:\n${tail}`,
        ),
      );
    });
  });
}
