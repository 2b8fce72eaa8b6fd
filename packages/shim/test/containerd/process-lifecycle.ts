/** Whether a process is alive, and stopping one by PID: SIGTERM, then SIGKILL once its grace is over. */
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Alive means it exists and is not a zombie; a zombie holds nothing but its exit status. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !isZombie(`/proc/${String(pid)}/stat`) || hasLiveThreads(pid);
}

/**
 * Stops a process and waits until it is gone: SIGTERM, then SIGKILL after `graceMs` (0 = SIGKILL at once).
 * Returns false when it still lives 5 s after SIGKILL (it is stuck in the kernel).
 */
export async function stopProcess(pid: number, graceMs = 5_000): Promise<boolean> {
  if (!isAlive(pid)) return true;
  if (graceMs > 0) {
    signal(pid, 'SIGTERM');
    if (await waitUntilGone([pid], graceMs)) return true;
  }
  signal(pid, 'SIGKILL');
  return waitUntilGone([pid], 5_000);
}

/** SIGKILLs every process at once (no grace: they are leftovers), then waits until all are gone. */
export async function killAll(pids: readonly number[]): Promise<boolean> {
  for (const pid of pids) signal(pid, 'SIGKILL');
  return waitUntilGone(pids, 5_000);
}

export async function waitUntilGone(pids: readonly number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!pids.some(isAlive)) return true;
    if (Date.now() > deadline) return false;
    await sleep(25);
  }
}

/**
 * The main thread of a killed Go program (containerd, runc's shim) turns zombie before its other threads
 * have exited, and its sockets and mounts are held until they have: only then is it really gone.
 */
function hasLiveThreads(pid: number): boolean {
  try {
    return readdirSync(`/proc/${String(pid)}/task`).some(
      (task) => !isZombie(`/proc/${String(pid)}/task/${task}/stat`),
    );
  } catch {
    return false;
  }
}

function isZombie(statFile: string): boolean {
  try {
    const stat = readFileSync(statFile, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2)[0];
    return state === 'Z' || state === 'X';
  } catch {
    return true;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}
