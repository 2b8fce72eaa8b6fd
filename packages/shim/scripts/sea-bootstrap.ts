/**
 * The main script of the single executable (bundled to CommonJS by package-sea.ts; Node 24 runs an SEA's
 * main script only as CommonJS). It holds no shim code: the shim and the runtime's worker entry are ES
 * modules embedded as assets (`app/<file>`), written once to a directory named after their content hash,
 * then imported from there. On disk because worker threads and the transpiled component glue are loaded
 * from files, and because ES modules keep top-level await and `import.meta.url`, which the shim, the
 * runtime and jco rely on. Everything here uses Node builtins only.
 *
 * It first makes sure the process runs with MALLOC_ARENA_MAX=2 (see ensureMallocArenaMax); the V8 flags
 * come from the blob's `execArgv`.
 *
 * Where: `$SPINKUBE_SHIM_DATA_DIR/sea-<hash>/`, else `/var/lib/containerd-shim-spin-v2/sea-<hash>/` (the
 * shim's data directory; containerd runs shims as root), else, when that is not writable (a user trying the
 * executable), `$XDG_CACHE_HOME/containerd-shim-spin-v2`, `~/.cache/containerd-shim-spin-v2` or a private
 * directory in the temp directory. The directory must be writable by this user (or root) alone.
 * Concurrent starts are safe: each extracts into a private temporary directory and renames it into place;
 * the first rename wins and the others use the winner's copy. A damaged copy (a file missing or of the
 * wrong size) is replaced. Old `sea-<hash>` directories are left for the executables that may still use
 * them.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRawAsset } from 'node:sea';
import { pathToFileURL } from 'node:url';
import {
  APP_ASSET_PREFIX,
  DATA_DIR_ENV,
  DEFAULT_DATA_DIR,
  PROGRAM,
  type SeaManifest,
} from './sea-manifest.ts';

/** Replaced at bundle time by package-sea.ts. */
declare const SEA_MANIFEST: SeaManifest;

/** A failure to start that its message explains: no stack trace. */
class StartError extends Error {}

/** Base directories to try, best first; an explicit SPINKUBE_SHIM_DATA_DIR is the only one. */
function dataDirCandidates(env: NodeJS.ProcessEnv): string[] {
  const explicit = env[DATA_DIR_ENV];
  if (explicit) return [explicit];
  // The shim keeps its own cache in the same place.
  const candidates = [DEFAULT_DATA_DIR];
  const xdg = env['XDG_CACHE_HOME'];
  if (xdg) candidates.push(join(xdg, PROGRAM));
  const home = env['HOME'] ?? safeHomedir();
  if (home) candidates.push(join(home, '.cache', PROGRAM));
  candidates.push(join(tmpdir(), `${PROGRAM}-${String(process.getuid?.() ?? 'user')}`));
  return candidates;
}

/** Whether `dir` holds every file of the manifest at its size (a cheap check: stat only). */
function isComplete(dir: string, manifest: SeaManifest): boolean {
  try {
    return manifest.files.every((file) => statSync(join(dir, file.name)).size === file.size);
  } catch {
    return false;
  }
}

function extractInto(dir: string, manifest: SeaManifest): void {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const file of manifest.files) {
    writeFileSync(join(dir, file.name), new Uint8Array(getRawAsset(APP_ASSET_PREFIX + file.name)), {
      mode: 0o644,
    });
  }
}

/** The code run from `base` must be writable by this user (or root) alone. */
function assertPrivate(base: string): void {
  const stats = statSync(base);
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid && stats.uid !== 0) {
    throw new Error(`${base} belongs to another user (uid ${String(stats.uid)})`);
  }
  if ((stats.mode & 0o022) !== 0) {
    throw new Error(`${base} is writable by other users (mode ${(stats.mode & 0o777).toString(8)})`);
  }
}

/** The extracted app directory under `base`, extracting it first when needed. */
function ensureExtracted(base: string, manifest: SeaManifest): string {
  const dir = join(base, `sea-${manifest.hash}`);
  mkdirSync(base, { recursive: true, mode: 0o755 });
  assertPrivate(base);
  if (isComplete(dir, manifest)) return dir;
  const unique = `${String(process.pid)}-${randomBytes(4).toString('hex')}`;
  const scratch = join(base, `.sea-${manifest.hash}.tmp-${unique}`);
  try {
    extractInto(scratch, manifest);
    try {
      renameSync(scratch, dir);
      return dir;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    }
    // Someone else's copy is in place: use it if it is whole, else move it aside and put ours there.
    if (isComplete(dir, manifest)) return dir;
    const broken = join(base, `.sea-${manifest.hash}.broken-${unique}`);
    renameSync(dir, broken);
    renameSync(scratch, dir);
    rmSync(broken, { recursive: true, force: true });
    return dir;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function extract(manifest: SeaManifest): string {
  const failures: string[] = [];
  for (const base of dataDirCandidates(process.env)) {
    try {
      return ensureExtracted(base, manifest);
    } catch (error) {
      failures.push(`${base}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new StartError(
    `cannot write the program's files to any data directory (set ${DATA_DIR_ENV} to a writable one):\n  ${failures.join('\n  ')}`,
  );
}

function safeHomedir(): string | undefined {
  try {
    return homedir();
  } catch {
    return undefined;
  }
}

/**
 * glibc reads MALLOC_ARENA_MAX only when the process starts: two malloc arenas instead of up to eight per
 * CPU for the worker threads, as spin-operator's shebang does. A process without it replaces itself (same
 * PID, arguments and file descriptors) with the variable set. Short-lived ones (containerd's `start` and
 * `delete`, `-v`) and children with an IPC channel (Node has consumed NODE_CHANNEL_FD, so a new image
 * would lose the channel) only set it for the processes they start: the server that `start` spawns, over
 * an IPC channel, gets it from the beginning that way. An explicit value is left alone.
 */
function ensureMallocArenaMax(): void {
  if (process.env['MALLOC_ARENA_MAX'] !== undefined) return;
  const args = process.argv.slice(2);
  const action = args.at(-1);
  const shortLived = action === 'start' || action === 'delete' || args.some((arg) => VERSION_FLAGS.has(arg));
  if (shortLived || process.channel) {
    process.env['MALLOC_ARENA_MAX'] = '2';
    return;
  }
  try {
    process.execve?.(process.execPath, process.argv.slice(1), { ...process.env, MALLOC_ARENA_MAX: '2' });
  } catch (error) {
    // Only memory is at stake: carry on with glibc's default arenas.
    process.emitWarning(`could not restart with MALLOC_ARENA_MAX=2: ${String(error)}`);
  }
}

/** Go's flag package accepts one or two dashes. */
const VERSION_FLAGS = new Set(['-v', '--v', '-version', '--version']);

async function start(): Promise<void> {
  ensureMallocArenaMax();
  const dir = extract(SEA_MANIFEST);
  await import(pathToFileURL(join(dir, SEA_MANIFEST.main)).href);
}

start().catch((error: unknown) => {
  const detail =
    error instanceof StartError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  process.stderr.write(`${PROGRAM}: cannot start: ${detail}\n`);
  process.exit(1);
});
