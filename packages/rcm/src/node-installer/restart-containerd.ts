/**
 * Restarts the containerd that reads the config install or uninstall just changed, so it loads the runtime.
 *
 * 1. The containerd is looked for in `/proc` (the Job has `hostPID`, so its `/proc` lists the host's
 *    processes with the PIDs that `kill` addresses; `<hostRoot>/proc` is the same only when the host's proc
 *    mount came along with the root bind mount): the one started with the edited file or, for k3s/rke2, with
 *    the `config.toml` generated from the edited template; else the only one.
 * 2. systemd is reachable when `systemctl list-units --type service` succeeds in PID 1's mount namespace
 *    (upstream's test). Then, after `systemctl start dbus`: the unit named in the found process's cgroup is
 *    restarted; with no process found, the first unit matching the distribution's pattern (upstream's way).
 *    A containerd found outside any system service is supervised by something else: it goes to step 3.
 * 3. Without systemd the found containerd gets SIGTERM, its clean shutdown (upstream sends SIGHUP, which
 *    containerd does not handle, so it exits just the same), and the restart is done when its supervisor has
 *    started a new one reading the same config, within `timeoutMs`. On k3s (k3d) PID 1 gets SIGTERM, as
 *    upstream's `kill 1`: k3s writes containerd's config from the template only when it starts.
 *
 * Every failure is an `InstallerError` with code `RestartFailed`, naming the unit or PID.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  containerdFor,
  containerdProcesses,
  findContainerd,
  readsConfig,
  seesSameFile,
  type ProcessInfo,
} from './containerd-process.js';
import type { Preset } from './distro-presets.js';
import { realHostCommands, type HostCommands } from './host-commands.js';
import { HostSystemd, said } from './host-systemd.js';
import { InstallerError } from './installer-error.js';
import { serviceUnitOf } from './service-unit.js';

export interface RestartOptions {
  /** Where the node's root is mounted (`-H`). */
  readonly hostRoot: string;
  /** The distribution, from install's or uninstall's result. */
  readonly preset: Preset;
  /** The host's processes; `/proc` unless given (fixture trees in tests). */
  readonly procDir?: string;
  readonly host?: HostCommands;
  /** How long a signalled containerd may take to exit and come back; 60 s unless given. */
  readonly timeoutMs?: number;
  readonly pollMs?: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export type RestartReport =
  | {
      readonly kind: 'systemd';
      readonly unit: string;
      /** From the containerd process's cgroup, or the distribution's unit pattern. */
      readonly chosenBy: 'cgroup' | 'pattern';
      readonly oldPid?: number;
      readonly newPid?: number;
    }
  | { readonly kind: 'signal'; readonly oldPid: number; readonly newPid: number }
  | { readonly kind: 'k3s-init' };

export async function restartContainerd(options: RestartOptions): Promise<RestartReport> {
  const procDir = options.procDir ?? '/proc';
  const host = options.host ?? realHostCommands;
  const log = options.log ?? (() => undefined);
  const configs = configFiles(options.hostRoot, options.preset);
  const ownNode = seesEditedFile(procDir, options.hostRoot, options.preset);
  const processes = containerdProcesses(procDir);
  const found = findContainerd(configs, processes, ownNode);
  const plan = options.preset.restart;

  if (plan.kind === 'systemd') {
    const systemd = new HostSystemd(options.hostRoot, host);
    const probe = await systemd.reachable();
    if (probe.code === 0) {
      const unit = found ? serviceUnitOf(readProcFile(procDir, found.pid, 'cgroup')) : undefined;
      if (unit) return restartUnit(systemd, unit, 'cgroup', found, { procDir, configs, ownNode, log });
      if (!found) {
        const units = await systemd.serviceUnits();
        const match = units.find((name) => plan.unit.test(name));
        if (!match)
          throw new InstallerError(
            'RestartFailed',
            `no containerd process reads ${configs.join(' or ')} and no systemd unit matches ${String(plan.unit)}`,
          );
        return restartUnit(systemd, match, 'pattern', undefined, { procDir, configs, ownNode, log });
      }
      log(`containerd ${String(found.pid)} runs in no system service; restarting it by signal`);
    } else {
      log(`systemd is not reachable (nsenter … systemctl list-units: ${said(probe)})`);
      if (options.preset.name === 'k3s') {
        log('k3s without systemd: SIGTERM to PID 1 (k3s), which starts again with the new config');
        signal(host, 1, 'k3s (PID 1)');
        return { kind: 'k3s-init' };
      }
    }
  }
  const target = found ?? containerdFor(configs, processes, ownNode);
  return restartBySignal(target, {
    procDir,
    configs,
    ownNode,
    host,
    log,
    timeoutMs: options.timeoutMs ?? 60_000,
    pollMs: options.pollMs ?? 200,
  });
}

/** Whether a containerd sees the files this installer edits under `hostRoot` (its own node's). */
function seesEditedFile(
  procDir: string,
  hostRoot: string,
  preset: Preset,
): (process: ProcessInfo) => boolean {
  const paths = [...new Set([preset.configPath, preset.detectedBy])];
  return (process) => paths.some((path) => seesSameFile(procDir, process.pid, path, join(hostRoot, path)));
}

/** Of several candidates, those of the edited node, when that tells them apart. */
function narrowed(
  candidates: readonly ProcessInfo[],
  ownNode: (process: ProcessInfo) => boolean,
): readonly ProcessInfo[] {
  if (candidates.length <= 1) return candidates;
  const own = candidates.filter(ownNode);
  return own.length > 0 ? own : candidates;
}

/** Host paths containerd may have been started with; also as seen under `hostRoot` (a node in a directory). */
function configFiles(hostRoot: string, preset: Preset): string[] {
  const paths = [preset.configPath, preset.detectedBy];
  const all = hostRoot === '/' ? paths : [...paths, ...paths.map((path) => join(hostRoot, path))];
  return [...new Set(all)];
}

async function restartUnit(
  systemd: HostSystemd,
  unit: string,
  chosenBy: 'cgroup' | 'pattern',
  found: ProcessInfo | undefined,
  context: {
    procDir: string;
    configs: readonly string[];
    ownNode: (process: ProcessInfo) => boolean;
    log: (line: string) => void;
  },
): Promise<RestartReport> {
  context.log(
    chosenBy === 'cgroup'
      ? `containerd ${String(found?.pid)} runs in ${unit}: restarting it`
      : `no containerd process found: restarting ${unit}, the first unit matching the distribution's`,
  );
  await systemd.ensureDbus();
  await systemd.restart(unit);
  const next = findContainerd(context.configs, containerdProcesses(context.procDir), context.ownNode);
  return {
    kind: 'systemd',
    unit,
    chosenBy,
    ...(found ? { oldPid: found.pid } : {}),
    ...(next ? { newPid: next.pid } : {}),
  };
}

async function restartBySignal(
  old: ProcessInfo,
  context: {
    procDir: string;
    configs: readonly string[];
    ownNode: (process: ProcessInfo) => boolean;
    host: HostCommands;
    log: (line: string) => void;
    timeoutMs: number;
    pollMs: number;
  },
): Promise<RestartReport> {
  const { procDir, configs, timeoutMs } = context;
  const pid = String(old.pid);
  context.log(`SIGTERM to containerd ${pid} (${old.args.join(' ')})`);
  signal(context.host, old.pid, `containerd ${pid}`);
  const deadline = Date.now() + timeoutMs;
  const seconds = `${String(timeoutMs / 1000)} s`;
  while (running(procDir, old.pid)) {
    if (Date.now() > deadline)
      throw new InstallerError(
        'RestartFailed',
        `containerd ${pid} did not exit within ${seconds} of SIGTERM`,
      );
    await sleep(context.pollMs);
  }
  // A containerd started with the config file must come back with it; one without, as the only one.
  const byConfig = readsConfig(old, configs);
  for (;;) {
    const others = containerdProcesses(procDir).filter((process) => process.pid !== old.pid);
    const next = byConfig
      ? onlyOne(
          narrowed(
            others.filter((process) => readsConfig(process, configs)),
            context.ownNode,
          ),
        )
      : findContainerd(configs, others, context.ownNode);
    if (next) {
      context.log(`containerd ${String(next.pid)} started in place of ${pid}`);
      return { kind: 'signal', oldPid: old.pid, newPid: next.pid };
    }
    if (Date.now() > deadline)
      throw new InstallerError(
        'RestartFailed',
        `containerd ${pid} exited after SIGTERM, but no new containerd reading ${configs.join(' or ')} ` +
          `started within ${seconds}: nothing supervises it (no systemd reachable, no supervisor)`,
      );
    await sleep(context.pollMs);
  }
}

function signal(host: HostCommands, pid: number, what: string): void {
  try {
    host.signal(pid, 'SIGTERM');
  } catch (error) {
    throw new InstallerError('RestartFailed', `cannot send SIGTERM to ${what}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Still a containerd, and not a zombie waiting for its parent. */
function running(procDir: string, pid: number): boolean {
  if (readProcFile(procDir, pid, 'comm').trim() !== 'containerd') return false;
  const stat = readProcFile(procDir, pid, 'stat');
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

function readProcFile(procDir: string, pid: number, name: string): string {
  try {
    return readFileSync(join(procDir, String(pid), name), 'utf8');
  } catch {
    return '';
  }
}

function onlyOne<T>(items: readonly T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}
