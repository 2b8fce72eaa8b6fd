/**
 * The containerd process to restart on a node without systemd (k3d, kind-like nodes, the test cluster's
 * real node, where a supervisor starts it again), and the one whose systemd unit is restarted where there
 * is systemd: found through `/proc` of the host PID namespace (the Job runs with `hostPID`). The one whose
 * command line names the edited config file wins; without such a one, the single process named
 * `containerd`, as upstream requires. Several name it (nodes that each have their own root, e.g. test
 * nodes in mount namespaces, all started with `/etc/containerd/config.toml`): the one that sees the very
 * file the installer edited (same device and inode through `/proc/<pid>/root`). Still several, or none
 * clear: refused, naming them, rather than restarting the wrong runtime.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InstallerError } from './installer-error.js';

export interface ProcessInfo {
  readonly pid: number;
  readonly args: readonly string[];
}

/** Every process named `containerd` (by `comm`), with its command line. */
export function containerdProcesses(procDir = '/proc'): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of readdirSync(procDir)) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(join(procDir, entry, 'comm'), 'utf8').trim() !== 'containerd') continue;
      const args = readFileSync(join(procDir, entry, 'cmdline'), 'utf8')
        .split('\0')
        .filter((arg) => arg !== '');
      found.push({ pid: Number(entry), args });
    } catch {
      // Gone while we looked.
    }
  }
  return found.sort((a, b) => a.pid - b.pid);
}

/**
 * The containerd that reads one of `configPaths` (host paths: the file edited and, for k3s/rke2, the
 * `config.toml` containerd is started with, generated from the edited template), else the only one there is;
 * `undefined` when there is none, or several and none names one of the files.
 */
export function findContainerd(
  configPaths: string | readonly string[],
  processes: readonly ProcessInfo[],
  seesEditedFile?: (process: ProcessInfo) => boolean,
): ProcessInfo | undefined {
  let byConfig = processes.filter((process) => readsConfig(process, configPaths));
  if (byConfig.length > 1 && seesEditedFile) byConfig = byConfig.filter(seesEditedFile);
  if (byConfig.length === 1) return byConfig[0];
  if (byConfig.length === 0 && processes.length === 1) return processes[0];
  return undefined;
}

/** Like `findContainerd`, but refuses to go on without one, naming the candidates. */
export function containerdFor(
  configPaths: string | readonly string[],
  processes: readonly ProcessInfo[],
  seesEditedFile?: (process: ProcessInfo) => boolean,
): ProcessInfo {
  const found = findContainerd(configPaths, processes, seesEditedFile);
  if (found) return found;
  const paths = typeof configPaths === 'string' ? configPaths : configPaths.join(' or ');
  const listed = processes.map((process) => `${String(process.pid)} (${process.args.join(' ')})`).join('; ');
  throw new InstallerError(
    'RestartFailed',
    processes.length === 0
      ? 'no containerd process found to restart'
      : `cannot tell which containerd reads ${paths}: ${listed}`,
  );
}

/** Whether the process was started with one of `configPaths` (`--config`, `--config=` or `-c`). */
export function readsConfig(process: ProcessInfo, configPaths: string | readonly string[]): boolean {
  const paths = typeof configPaths === 'string' ? [configPaths] : configPaths;
  return paths.some((path) => namesConfig(process.args, path));
}

function namesConfig(args: readonly string[], configPath: string): boolean {
  return args.some(
    (arg, index) =>
      arg === `--config=${configPath}` ||
      ((arg === '--config' || arg === '-c') && args[index + 1] === configPath),
  );
}

/**
 * Whether process `pid` sees `path` (a path in its own root) as the same file as `editedFile` (device and
 * inode): the containerd of the node whose files the installer edited.
 */
export function seesSameFile(procDir: string, pid: number, path: string, editedFile: string): boolean {
  try {
    const theirs = statSync(join(procDir, String(pid), 'root', path));
    const ours = statSync(editedFile);
    return theirs.dev === ours.dev && theirs.ino === ours.ino;
  } catch {
    return false;
  }
}
