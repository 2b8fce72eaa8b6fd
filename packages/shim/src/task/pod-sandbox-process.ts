/**
 * The pod sandbox (pause) container of a Spin pod. CRI joins every container of the pod to the network, IPC
 * and UTS namespaces of the sandbox task's PID (`/proc/<pid>/ns/…`), so that PID must be a process living
 * in the pod's namespaces, not the shared shim server (which sits in the node's). It is `sleep infinity`,
 * entered into the spec's namespaces with util-linux (Node cannot call setns or unshare itself): nsenter
 * joins those given by path (the network namespace CNI set up), unshare makes the new ones (IPC, UTS), the
 * pod's hostname is written into its new UTS namespace, and setpriv's parent-death signal ends it with the
 * server, as a runc pause container ends with its shim. About 1 MB per pod.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { constants } from 'node:os';
import { endsApp, exitStatusForSignal } from '../app/exit-status.js';
import type { BundleSpec } from '../bundle/oci-spec.js';
import { ShimError } from '../errors.js';
import type { TaskProcess } from './task.js';

/** The namespace types a pod shares, with the nsenter and unshare flag of each. */
const POD_NAMESPACES: Readonly<Record<string, string>> = { network: 'net', ipc: 'ipc', uts: 'uts' };
const SLEEP_FOREVER = 'sleep infinity';

/** The command line: `setpriv --pdeathsig KILL [nsenter --net=P …] [unshare --ipc --uts] sh -c …`. */
export function podSandboxCommand(spec: BundleSpec): string[] {
  const join: string[] = [];
  const create: string[] = [];
  for (const ns of spec.namespaces) {
    const flag = POD_NAMESPACES[ns.type];
    if (!flag) continue;
    if (ns.path) join.push(`--${flag}=${ns.path}`);
    else create.push(`--${flag}`);
  }
  const newUts = create.includes('--uts');
  const script =
    newUts && spec.hostname
      ? `printf %s "$1" > /proc/sys/kernel/hostname && exec ${SLEEP_FOREVER}`
      : `exec ${SLEEP_FOREVER}`;
  return [
    'setpriv',
    '--pdeathsig',
    'KILL',
    '--',
    ...(join.length ? ['nsenter', ...join, '--'] : []),
    ...(create.length ? ['unshare', ...create, '--'] : []),
    'sh',
    '-c',
    script,
    'pod-sandbox',
    ...(newUts && spec.hostname ? [spec.hostname] : []),
  ];
}

export class PodSandboxProcess implements TaskProcess {
  readonly exited: Promise<number>;
  private killedBy: number | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly pid: number,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        if (this.killedBy !== undefined) resolve(exitStatusForSignal(this.killedBy));
        else resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
      });
    });
  }

  /** Starts the process and resolves once it sleeps inside the pod's namespaces. */
  static async start(spec: BundleSpec, timeoutMs = 10_000): Promise<PodSandboxProcess> {
    const [command = 'setpriv', ...args] = podSandboxCommand(spec);
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const failed = new Promise<Error>((resolve) => {
      child.once('error', (error) => {
        resolve(error);
      });
      child.once('exit', (code, signal) => {
        resolve(new Error(stderr.trim() || `exited with ${String(code ?? signal)}`));
      });
    });
    const pid = child.pid;
    const ready =
      pid === undefined ? Promise.reject(new Error('no process')) : untilSleeping(child, pid, timeoutMs);
    const outcome = await Promise.race([ready.then(() => undefined), failed]).catch(
      (error: unknown) => error as Error,
    );
    if (outcome !== undefined || pid === undefined) {
      child.kill('SIGKILL');
      const reason = outcome instanceof Error ? outcome.message : 'no process';
      throw new ShimError(
        'Internal',
        `cannot start the pod sandbox process (${podSandboxCommand(spec).join(' ')}): ${reason}` +
          (/ENOENT|not found/.test(reason)
            ? ' (util-linux and coreutils must be on the PATH of containerd)'
            : ''),
      );
    }
    return new PodSandboxProcess(child, pid);
  }

  start(): void {
    // Already running since create: CRI reads the sandbox's PID from the create response.
  }

  kill(signal: number): void {
    if (!endsApp(signal)) return;
    this.killedBy ??= signal;
    this.child.kill('SIGKILL');
  }
}

/**
 * Waits until `pid` runs sleep, which it execs only after every namespace was entered. Stops looking once
 * the process has exited (its exit, with its stderr, is then the reason given).
 */
async function untilSleeping(child: ChildProcess, pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (child.exitCode === null && child.signalCode === null) {
    const command = await readFile(`/proc/${String(pid)}/comm`, 'utf8').catch(() => '');
    if (command.trim() === 'sleep') return;
    if (Date.now() > deadline) throw new Error(`it did not settle within ${String(timeoutMs)} ms`);
    await sleep(5);
  }
  throw new Error('it exited');
}
