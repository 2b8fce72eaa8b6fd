/**
 * The packaged executables (`npx nx run rcm:package`, which `npm test` runs before the tests) as the
 * integration tests run them: `dist/<program>`, packaged again here when it is missing or older than the
 * compiled code, so a test never runs a stale executable. Each is run without Node on PATH, as on a node.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const packageRoot = resolve(import.meta.dirname, '..');
/** What a node's image offers: no Node anywhere. */
export const BARE_PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

export function packagedExecutable(program: 'rcm-node-installer' | 'rcm-shim-downloader'): string {
  const executable = join(packageRoot, 'dist', program);
  const compiled = newestMtime(join(packageRoot, 'dist'));
  if (!existsSync(executable) || statSync(executable).mtimeMs < compiled) {
    const result = spawnSync(process.execPath, ['scripts/package-sea.ts', '--only', program], {
      cwd: packageRoot,
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (result.status !== 0)
      throw new Error(
        `package-sea.ts --only ${program} failed (${String(result.status)}):\n${result.stderr}`,
      );
  }
  return executable;
}

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs an executable to its end with only `env` (and a PATH without Node). */
export function run(
  executable: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(executable, args, {
      env: { PATH: BARE_PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 120_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => {
      resolvePromise({ status, stdout, stderr });
    });
  });
}

/** The newest modification time of the compiled JavaScript under `dir`. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.js'))
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}
