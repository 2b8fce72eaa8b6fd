/** What the kernel says about a process: resident memory and CPU time, read from /proc. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS = clockTicks();

/** `VmRSS` (resident now) and `VmHWM` (peak resident) of a process, in bytes. */
export function processMemory(pid: number): { rss: number; peakRss: number } {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') * 1024, peakRss: kib('VmHWM') * 1024 };
}

/** Open file descriptors of a process (sockets included). */
export function openFiles(pid: number): number {
  return readdirSync(`/proc/${String(pid)}/fd`).length;
}

/** User plus system CPU seconds a process has used so far (0 once it is gone). */
export function cpuSeconds(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  } catch {
    return 0;
  }
  // Fields after the parenthesised command name, which may itself contain spaces; utime and stime are
  // fields 14 and 15 of the whole line, so 12 and 13 of what follows ") ".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** CPU seconds the whole machine has spent busy (all cores, every process), from /proc/stat. */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  // user nice system idle iowait irq softirq steal; guest time is already counted in user and nice.
  const total = ticks.slice(0, 8).reduce((sum, t) => sum + t, 0);
  return (total - idle) / CLOCK_TICKS;
}

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}
