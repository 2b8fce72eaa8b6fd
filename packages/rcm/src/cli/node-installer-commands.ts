/**
 * What `rcm-node-installer install|uninstall` do once parsed: the node edit, then the containerd restart
 * when something changed (or an earlier run's restart did not finish: `restart-pending.ts`), each step said
 * on its own `key: value` line on stdout (what the Job's log shows); the restart's progress goes to
 * `progress` (stderr).
 */
import { install } from '../node-installer/install.js';
import {
  restartContainerd,
  type RestartOptions,
  type RestartReport,
} from '../node-installer/restart-containerd.js';
import { RestartMark } from '../node-installer/restart-pending.js';
import { uninstall, type UninstallResult } from '../node-installer/uninstall.js';
import { detectPreset } from '../node-installer/distro-presets.js';
import { InstallerError } from '../node-installer/installer-error.js';
import type { InstallerCommand } from './node-installer-program.js';

export interface CommandOutput {
  /** A result line (stdout). */
  readonly out: (line: string) => void;
  /** A progress line (stderr). */
  readonly progress: (line: string) => void;
}

/** Where the restart looks and what it runs; the real host unless given (unit tests give fixtures). */
export type RestartSettings = Pick<RestartOptions, 'procDir' | 'host' | 'timeoutMs' | 'pollMs'>;

export async function runInstallerCommand(
  command: InstallerCommand,
  output: CommandOutput,
  restartSettings: RestartSettings = {},
): Promise<void> {
  const { options } = command;
  const mark = new RestartMark(options.hostRoot, options.rcmPath);
  const earlier = mark.pending;
  /** The restart when this run changed something or an earlier run's restart did not finish. */
  const restart = async (changed: boolean, preset: RestartOptions['preset'], configPath: string) => {
    if (!changed && !earlier) return undefined;
    mark.set(configPath);
    const report = await restartContainerd({
      hostRoot: options.hostRoot,
      preset,
      log: output.progress,
      ...restartSettings,
    });
    mark.clear();
    return `${describeRestart(report)}${changed ? '' : ' (due since an earlier run that did not finish it)'}`;
  };

  if (command.name === 'install') {
    const result = install({
      hostRoot: options.hostRoot,
      assetDir: command.options.assetPath,
      rcmPath: options.rcmPath,
      ...(options.runtimeConfig ? { configPath: options.runtimeConfig } : {}),
      ...(command.options.runtimeOptions ? { runtimeOptions: command.options.runtimeOptions } : {}),
    });
    output.out(`preset: ${result.preset.name}`);
    output.out(`config: ${result.configPath} (${result.configChanged ? 'changed' : 'unchanged'})`);
    for (const binary of result.binaries)
      output.out(`binary: ${binary.path} (${binary.changed ? 'written' : 'unchanged'})`);
    output.out(`runtimes: ${result.runtimes.join(', ')}`);
    for (const note of result.notes) output.out(`note: ${note}`);
    const restarted = await restart(result.restart, result.preset, result.configPath);
    output.out(`restart: ${restarted ?? 'not needed, nothing changed'}`);
    return;
  }

  let result: UninstallResult;
  try {
    result = uninstall({
      hostRoot: options.hostRoot,
      name: options.runtime,
      rcmPath: options.rcmPath,
      ...(options.runtimeConfig ? { configPath: options.runtimeConfig } : {}),
    });
  } catch (error) {
    if (!(error instanceof InstallerError && error.code === 'NotInstalled')) throw error;
    const configPath = mark.configPath;
    if (!configPath) {
      // Nothing of it on this node (e.g. its install failed before writing anything): done, as the manager
      // needs to finish a Shim's deletion; upstream's installer fails here and the deletion never ends.
      output.out(`runtimes: ${options.runtime} (not installed; nothing to do)`);
      output.out('restart: not needed, nothing changed');
      return;
    }
    // The retry of an uninstall whose restart did not finish: the files are done, the restart is not.
    const preset = detectPreset(options.hostRoot, configPath);
    output.out(`preset: ${preset.name}`);
    output.out(`runtimes: ${options.runtime} (removed by an earlier run)`);
    output.out(`restart: ${(await restart(false, preset, configPath)) ?? ''}`);
    return;
  }
  output.out(`preset: ${result.preset.name}`);
  output.out(`config: ${result.configPath} (${result.restart ? 'changed' : 'unchanged'})`);
  output.out(`binary: ${result.binaryPath} (removed)`);
  output.out(`runtimes: ${options.runtime} (removed)`);
  const restarted = await restart(result.restart, result.preset, result.configPath);
  output.out(`restart: ${restarted ?? 'not needed, the config had no runtime'}`);
}

/** One line for what the restart did. */
export function describeRestart(report: RestartReport): string {
  switch (report.kind) {
    case 'systemd': {
      const pids =
        report.oldPid === undefined
          ? ''
          : `; containerd ${String(report.oldPid)}${report.newPid === undefined ? '' : ` now ${String(report.newPid)}`}`;
      const why =
        report.chosenBy === 'cgroup'
          ? "containerd's unit"
          : "no containerd process found; the distribution's unit";
      return `systemd unit ${report.unit} restarted (${why}${pids})`;
    }
    case 'signal':
      return `containerd ${String(report.oldPid)} stopped with SIGTERM; its supervisor started containerd ${String(report.newPid)}`;
    case 'k3s-init':
      return 'SIGTERM sent to PID 1 (k3s without systemd), which starts again with the new config';
  }
}
