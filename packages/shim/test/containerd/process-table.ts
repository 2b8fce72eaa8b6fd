/** The host's processes as /proc shows them: who started whom, where they run, what they were given. */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

export interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  /** The working directory, or '' when it cannot be read (kernel threads, a process that just exited). */
  readonly cwd: string;
  /** The root directory: a container's rootfs for its processes, `/` for everything else. */
  readonly root: string;
  readonly args: readonly string[];
  /** A zombie has exited and only waits to be reaped; it holds no files, sockets or mounts. */
  readonly zombie: boolean;
  /** Clock ticks after boot: with the PID, it tells a process from a later one that reused its PID. */
  readonly startTime: number;
}

export function listProcesses(): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const entry = readProcess(Number(name));
    if (entry) entries.push(entry);
  }
  return entries;
}

export function readProcess(pid: number): ProcessEntry | undefined {
  const dir = `/proc/${String(pid)}`;
  try {
    // The command name in `stat` is in parentheses and may hold spaces: the fields follow the last ')'.
    const stat = readFileSync(`${dir}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const args = readFileSync(`${dir}/cmdline`, 'utf8')
      .split('\0')
      .filter((arg) => arg !== '');
    return {
      pid,
      ppid: Number(fields[1]),
      cwd: readLink(`${dir}/cwd`),
      root: readLink(`${dir}/root`),
      args,
      zombie: fields[0] === 'Z',
      startTime: Number(fields[19]),
    };
  } catch {
    return undefined;
  }
}

/** `roots` and every process below them, children before their parents. */
export function withDescendants(processes: readonly ProcessEntry[], roots: readonly number[]): number[] {
  const children = new Map<number, number[]>();
  for (const entry of processes) children.set(entry.ppid, [...(children.get(entry.ppid) ?? []), entry.pid]);
  const ordered: number[] = [];
  const visit = (pid: number): void => {
    if (ordered.includes(pid)) return;
    for (const child of children.get(pid) ?? []) visit(child);
    ordered.push(pid);
  };
  for (const pid of roots) visit(pid);
  return ordered;
}

function readLink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}
