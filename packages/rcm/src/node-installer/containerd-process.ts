/**
 * The containerd process to restart on a node without systemd (k3d, kind-like nodes, the test cluster's
 * real node, where a supervisor starts it again): found through `/proc` of the host PID namespace (the Job
 * runs with `hostPID`). The one whose command line names the edited config file wins; without such a one,
 * the single process named `containerd`, as upstream requires. Several candidates and none is clear: refused,
 * naming them, rather than restarting the wrong runtime.
 */
import { readdirSync, readFileSync } from 'node:fs';
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

/** The containerd that reads `configPath` (a host path), else the only one there is. */
export function containerdFor(configPath: string, processes: readonly ProcessInfo[]): ProcessInfo {
  const byConfig = processes.filter((process) => namesConfig(process.args, configPath));
  if (byConfig.length === 1 && byConfig[0]) return byConfig[0];
  if (byConfig.length === 0 && processes.length === 1 && processes[0]) return processes[0];
  const listed = processes.map((process) => `${String(process.pid)} (${process.args.join(' ')})`).join('; ');
  throw new InstallerError(
    'RestartFailed',
    processes.length === 0
      ? 'no containerd process found to restart'
      : `cannot tell which containerd reads ${configPath}: ${listed}`,
  );
}

function namesConfig(args: readonly string[], configPath: string): boolean {
  return args.some(
    (arg, index) =>
      arg === `--config=${configPath}` ||
      ((arg === '--config' || arg === '-c') && args[index + 1] === configPath),
  );
}
