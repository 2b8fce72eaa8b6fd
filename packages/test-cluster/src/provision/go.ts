/** Runs the Go toolchain to build third-party tools; Go is used for nothing else. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { TestClusterError } from '../errors.js';

const EXTRA_GO_LOCATIONS = ['/usr/local/go/bin/go', '/usr/lib/go/bin/go'];

/** The `go` executable, or a clear error saying what is missing. */
export function findGo(env: NodeJS.ProcessEnv = process.env): string {
  for (const dir of (env['PATH'] ?? '').split(':')) {
    if (dir && existsSync(`${dir}/go`)) return `${dir}/go`;
  }
  const found = EXTRA_GO_LOCATIONS.find((path) => existsSync(path));
  if (found) return found;
  throw new TestClusterError(
    'GoMissing',
    'Go is not installed and the tool cache is empty: the Kubernetes binaries, kwok and helm are built from ' +
      'the Go module proxy on first use. Install Go (e.g. `apt-get install golang-go`, or /usr/local/go) and ' +
      'run `npm run provision -w @spinkube/test-cluster` again.',
  );
}

/** Runs `go <args>` in `cwd`; on failure the error carries the command's last output lines. */
export async function runGo(
  go: string,
  args: string[],
  cwd: string,
  extraEnv: Record<string, string> = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(go, args, {
      cwd,
      env: { ...process.env, GOFLAGS: '-mod=mod', CGO_ENABLED: '0', ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else {
        const tail = output.trim().split('\n').slice(-20).join('\n');
        reject(
          new TestClusterError(
            'BuildFailed',
            `go ${args.join(' ')} failed (exit ${String(code)}) in ${cwd}:\n${tail}`,
          ),
        );
      }
    });
  });
}
