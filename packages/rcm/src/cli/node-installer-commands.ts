/**
 * What `rcm-node-installer install|uninstall` do once parsed: the node edit, then the containerd restart
 * when something changed, each step said on its own `key: value` line on stdout (what the Job's log shows);
 * the restart's progress goes to `progress` (stderr).
 */
import { install } from '../node-installer/install.js';
import {
  restartContainerd,
  type RestartOptions,
  type RestartReport,
} from '../node-installer/restart-containerd.js';
import { uninstall } from '../node-installer/uninstall.js';
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
  const restart = async (preset: RestartOptions['preset']) =>
    describeRestart(
      await restartContainerd({
        hostRoot: options.hostRoot,
        preset,
        log: output.progress,
        ...restartSettings,
      }),
    );

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
    output.out(`restart: ${result.restart ? await restart(result.preset) : 'not needed, nothing changed'}`);
    return;
  }

  const result = uninstall({
    hostRoot: options.hostRoot,
    name: options.runtime,
    rcmPath: options.rcmPath,
    ...(options.runtimeConfig ? { configPath: options.runtimeConfig } : {}),
  });
  output.out(`preset: ${result.preset.name}`);
  output.out(`config: ${result.configPath} (${result.restart ? 'changed' : 'unchanged'})`);
  output.out(`binary: ${result.binaryPath} (removed)`);
  output.out(`runtimes: ${options.runtime} (removed)`);
  output.out(
    `restart: ${result.restart ? await restart(result.preset) : 'not needed, the config had no runtime'}`,
  );
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
