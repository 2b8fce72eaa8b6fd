/**
 * Processes a harness instance left behind: shims (their cwd is a bundle under the state dir, their args
 * name the socket under it), processes whose root is a rootfs under it, and everything those started —
 * a container's processes stay children of its shim, so they are found even when their rootfs lies
 * elsewhere (`ctr run --rootfs`).
 */
import { killAll } from './process-lifecycle.ts';
import { listProcesses, withDescendants, type ProcessEntry } from './process-table.ts';

/** SIGKILLs every process under `dir` with its descendants; returns the PIDs that would not die. */
export async function killProcessesUnder(dir: string, except: readonly number[] = []): Promise<number[]> {
  const processes = listProcesses();
  const spared = new Set([process.pid, ...except, ...ancestorsOf(processes, process.pid)]);
  const roots = processes.filter((entry) => !spared.has(entry.pid) && isUnder(entry, dir)).map((e) => e.pid);
  const pids = withDescendants(processes, roots).filter((pid) => !spared.has(pid));
  if (pids.length === 0 || (await killAll(pids))) return [];
  return pids.filter((pid) => listProcesses().some((entry) => entry.pid === pid && !entry.zombie));
}

function isUnder(entry: ProcessEntry, dir: string): boolean {
  if (entry.zombie) return false;
  const inside = (path: string): boolean => path === dir || path.startsWith(`${dir}/`);
  return inside(entry.cwd) || inside(entry.root) || entry.args.some((arg) => arg.includes(dir));
}

function ancestorsOf(processes: readonly ProcessEntry[], pid: number): number[] {
  const parent = new Map(processes.map((entry) => [entry.pid, entry.ppid]));
  const ancestors: number[] = [];
  for (let next = parent.get(pid); next !== undefined && next > 0; next = parent.get(next))
    ancestors.push(next);
  return ancestors;
}
