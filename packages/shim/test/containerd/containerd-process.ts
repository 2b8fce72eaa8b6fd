/**
 * A private containerd for one test file: its own config, root, state, sockets and FIFO dir in a fresh
 * temp dir, a `ctr` bound to it, restart (shims keep running, as on a real node) and a stop that leaves
 * nothing behind. `containerd-shim-spin-v2` is found first in `options.shimDir` on containerd's PATH,
 * so `ctr run --runtime io.containerd.spin.v2` execs the shim under test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { renderContainerdConfig, type ContainerdLogLevel } from './containerd-config.ts';
import { cleanUpHarnessDir } from './harness-dir-cleanup.ts';
import {
  generateNamespace,
  HARNESS_DIR_PREFIX,
  harnessDirParent,
  harnessLayout,
  isGeneratedNamespace,
  type HarnessLayout,
  type HarnessOwner,
} from './harness-layout.ts';
import { isAlive, stopProcess } from './process-lifecycle.ts';
import { readProcess } from './process-table.ts';
import { processEnv, runCommand, type CommandResult, type RunCommandOptions } from '@spinkube/test-cluster';
import { cleanUpStaleHarnessDirs } from './stale-harness-dirs.ts';

export const CONTAINERD_BINARY = '/usr/bin/containerd';
export const CTR_BINARY = '/usr/bin/ctr';

/** Where containerd finds runc and `containerd-shim-runc-v2` (Debian: /usr/sbin and /usr/bin). */
const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** Which containerd: its daemon and the ctr that talks to it. */
export interface ContainerdBinaries {
  readonly containerd: string;
  readonly ctr: string;
}

/** Debian's containerd 1.6 (the `containerd` package). */
export const DEBIAN_CONTAINERD: ContainerdBinaries = { containerd: CONTAINERD_BINARY, ctr: CTR_BINARY };

export interface StartContainerdOptions {
  /** Debian's containerd unless given (e.g. a pinned build from test-cluster's `containerdTool`). */
  readonly binaries?: ContainerdBinaries;
  /** Put first on containerd's PATH: the `containerd-shim-spin-v2` in it is the one containerd execs. */
  readonly shimDir?: string;
  /** Extra environment for containerd, and so for every shim it starts. */
  readonly env?: Readonly<Record<string, string>>;
  /** The namespace `ctr()` uses unless told otherwise; a unique `shimtest-…` by default. */
  readonly namespace?: string;
  /** containerd's log level; `info` by default (shim start and exit lines, without the debug noise). */
  readonly logLevel?: ContainerdLogLevel;
  /** How long containerd may take to answer `ctr version`; 30 s by default. */
  readonly startTimeoutMs?: number;
}

export interface CtrOptions {
  readonly input?: RunCommandOptions['input'];
  /** 60 s by default. */
  readonly timeoutMs?: number;
  /** Overrides the instance's default namespace for this call. */
  readonly namespace?: string;
}

export interface Containerd {
  /** The instance's temp dir; scratch files (image tarballs, rootfs dirs) may go in it. */
  readonly dir: string;
  /** The gRPC socket. */
  readonly address: string;
  readonly ttrpcAddress: string;
  readonly root: string;
  readonly state: string;
  /** For `ctr run --fifo-dir`, so no FIFO lands in /run/containerd/fifo. */
  readonly fifoDir: string;
  /** For `ctr run --runc-root` with runc containers, so their state stays in this instance's dir. */
  readonly runcRoot: string;
  /** The daemon and ctr this instance runs with. */
  readonly binaries: ContainerdBinaries;
  readonly namespace: string;
  /** containerd's current PID (it changes on restart). */
  readonly pid: number;
  /** Runs `ctr --address <address> --namespace <namespace> ...args`. */
  ctr(args: readonly string[], options?: CtrOptions): Promise<CommandResult>;
  /** `ctr(...)` that must exit 0: returns stdout, or throws with stderr and containerd's last log lines. */
  ctrOk(args: readonly string[], options?: CtrOptions): Promise<string>;
  /**
   * Stops containerd by PID (SIGTERM, or SIGKILL for a crash), waits until it is gone and starts it again
   * with the same config and dirs; running shims survive, as on a node.
   */
  restart(options?: { readonly signal?: 'SIGTERM' | 'SIGKILL' }): Promise<void>;
  /** containerd's output so far (all runs), for failure messages. */
  logs(): string;
  /**
   * Deletes the tasks still running (`ctr task delete --force`), stops containerd by PID, then kills any
   * process left under the dir (shims, their containers), unmounts what is still mounted, removes
   * cgroups and the dir. Throws if something could not be removed. Idempotent.
   */
  stop(): Promise<void>;
}

export async function startContainerd(options: StartContainerdOptions = {}): Promise<Containerd> {
  await cleanUpStaleHarnessDirs();
  const layout = harnessLayout(mkdtempSync(join(harnessDirParent(), HARNESS_DIR_PREFIX)));
  const namespace = options.namespace ?? generateNamespace();
  // Only a generated namespace is this instance's alone, so only its cgroup and runtime state may go.
  const privateNamespace = isGeneratedNamespace(namespace) ? namespace : undefined;
  writeOwner(layout, namespace, 0);
  for (const dir of [layout.root, layout.state, layout.opt, layout.fifoDir])
    mkdirSync(dir, { recursive: true });
  writeFileSync(layout.config, renderContainerdConfig(layout, options.logLevel ?? 'info'));
  const env = containerdEnv(options);
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const binaries = options.binaries ?? DEBIAN_CONTAINERD;

  let child: Launched;
  try {
    child = await launch(binaries, layout, env, namespace, startTimeoutMs);
  } catch (error) {
    await cleanUpHarnessDir(layout.dir, privateNamespace);
    throw error;
  }
  let stopped = false;

  const ctr = (args: readonly string[], ctrOptions: CtrOptions = {}): Promise<CommandResult> =>
    runCommand(
      binaries.ctr,
      ['--address', layout.address, '--namespace', ctrOptions.namespace ?? namespace, ...args],
      {
        ...(ctrOptions.input === undefined ? {} : { input: ctrOptions.input }),
        timeoutMs: ctrOptions.timeoutMs ?? 60_000,
      },
    );
  const logs = (): string => readText(layout.log);

  return {
    dir: layout.dir,
    address: layout.address,
    ttrpcAddress: layout.ttrpcAddress,
    root: layout.root,
    state: layout.state,
    fifoDir: layout.fifoDir,
    runcRoot: layout.runcRoot,
    binaries,
    namespace,
    get pid() {
      return child.pid;
    },
    ctr,
    async ctrOk(args, ctrOptions) {
      const result = await ctr(args, ctrOptions);
      if (result.code === 0) return result.stdout;
      throw new Error(
        `ctr ${args.join(' ')} exited with ${String(result.code)}: ${result.stderr.trim()}\n` +
          `containerd log ends:\n${tail(logs())}`,
      );
    },
    async restart(restartOptions = {}) {
      if (stopped) throw new Error(`containerd in ${layout.dir} was stopped; it cannot be restarted`);
      const signal = restartOptions.signal ?? 'SIGTERM';
      if (!(await stopProcess(child.pid, signal === 'SIGKILL' ? 0 : 10_000)))
        throw new Error(`containerd (pid ${String(child.pid)}) survived SIGKILL; not restarting it`);
      appendFileSync(
        layout.log,
        `\n--- restarted by the test harness (pid ${String(child.pid)} stopped with ${signal}) ---\n`,
      );
      child = await launch(binaries, layout, env, namespace, startTimeoutMs);
    },
    logs,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (isAlive(child.pid)) await deleteAllTasks(ctr);
      await stopProcess(child.pid, 10_000);
      const problems = await cleanUpHarnessDir(layout.dir, privateNamespace);
      if (problems.length > 0) throw new Error(`containerd harness in ${layout.dir}: ${problems.join('; ')}`);
    },
  };
}

interface Launched {
  readonly pid: number;
  /** Kept so Node reaps it when it exits. */
  readonly process: ChildProcess;
}

/** Starts containerd and waits until `ctr version` gets an answer from it. */
async function launch(
  binaries: ContainerdBinaries,
  layout: HarnessLayout,
  env: NodeJS.ProcessEnv,
  namespace: string,
  timeoutMs: number,
): Promise<Launched> {
  const fd = openSync(layout.log, 'a');
  let child: ChildProcess;
  try {
    child = spawn(binaries.containerd, ['--config', layout.config], { stdio: ['ignore', fd, fd], env });
  } finally {
    closeSync(fd);
  }
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${binaries.containerd} did not start: ${readText(layout.log)}`);
  writeOwner(layout, namespace, pid);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const version = await runCommand(binaries.ctr, ['--address', layout.address, 'version'], {
      timeoutMs: 5_000,
    });
    if (version.code === 0) return { pid, process: child };
    if (!isAlive(pid)) {
      const why = spawnError ? `${spawnError.message}; ` : '';
      throw new Error(
        `containerd exited while starting (${why}log: ${layout.log}); its log ends:\n${tail(readText(layout.log))}`,
      );
    }
    if (Date.now() > deadline) {
      await stopProcess(pid, 2_000);
      throw new Error(
        `containerd did not answer within ${String(timeoutMs)} ms (${version.stderr.trim()}); its log ends:\n` +
          tail(readText(layout.log)),
      );
    }
    await sleep(50);
  }
}

/** Best effort, so cgroups and mounts are released by the runtime itself; leftovers are killed later. */
async function deleteAllTasks(ctr: Containerd['ctr']): Promise<void> {
  const namespaces = await ctr(['namespaces', 'list', '--quiet'], { timeoutMs: 10_000 });
  for (const namespace of lines(namespaces.stdout)) {
    const tasks = await ctr(['tasks', 'list', '--quiet'], { namespace, timeoutMs: 10_000 });
    for (const id of lines(tasks.stdout)) {
      await ctr(['tasks', 'delete', '--force', id], { namespace, timeoutMs: 15_000 });
    }
  }
}

function containerdEnv(options: StartContainerdOptions): NodeJS.ProcessEnv {
  const inherited = (process.env['PATH'] ?? '').split(':').filter((entry) => entry !== '');
  const path = [...new Set([...(options.shimDir ? [options.shimDir] : []), ...inherited, ...SYSTEM_PATH])];
  return processEnv({ ...options.env, PATH: path.join(':') });
}

function writeOwner(layout: HarnessLayout, namespace: string, containerdPid: number): void {
  const owner: HarnessOwner = {
    ownerPid: process.pid,
    ownerStartTime: readProcess(process.pid)?.startTime ?? 0,
    containerdPid,
    namespace,
  };
  // Written whole and renamed, so a concurrent sweep never reads half a file.
  writeFileSync(`${layout.owner}.tmp`, JSON.stringify(owner));
  renameSync(`${layout.owner}.tmp`, layout.owner);
}

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function tail(text: string, count = 30): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}
