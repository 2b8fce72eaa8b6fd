/**
 * The host's systemd, reached as upstream's installer does: `systemctl` run through `nsenter` in the mount
 * namespace of the host's PID 1 (`<hostRoot>/proc/1/ns/mnt`), so the host's own systemctl talks to the
 * host's systemd whatever the installer's image holds.
 */
import { join } from 'node:path';
import type { CommandResult, HostCommands } from './host-commands.js';
import { InstallerError } from './installer-error.js';

export class HostSystemd {
  constructor(
    private readonly hostRoot: string,
    private readonly host: HostCommands,
  ) {}

  /** Upstream's test: `systemctl list-units --type service` answers in PID 1's mount namespace. */
  async reachable(): Promise<CommandResult> {
    return this.systemctl(['list-units', '--type', 'service']);
  }

  /** Every service unit the host knows (loaded, active or not), in systemctl's order. */
  async serviceUnits(): Promise<string[]> {
    const listed = await this.systemctl([
      'list-units',
      '--type',
      'service',
      '--all',
      '--no-legend',
      '--plain',
    ]);
    if (listed.code !== 0)
      throw new InstallerError('RestartFailed', `systemctl list-units failed: ${said(listed)}`);
    return listed.stdout
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[0] ?? '')
      .filter((unit) => unit.endsWith('.service'));
  }

  /**
   * Starts D-Bus before a restart, as upstream does. Upstream then installs dbus with apt-get, dnf, apk or yum
   * when it cannot start; this installer changes no packages on a node and stops with an error instead.
   */
  async ensureDbus(): Promise<void> {
    const started = await this.systemctl(['start', 'dbus', '--quiet']);
    if (started.code !== 0)
      throw new InstallerError(
        'RestartFailed',
        `D-Bus could not be started on the host (systemctl start dbus: ${said(started)}); ` +
          'the installer installs no packages: install and enable dbus on the node',
      );
  }

  async restart(unit: string): Promise<void> {
    const restarted = await this.systemctl(['restart', unit]);
    if (restarted.code !== 0)
      throw new InstallerError('RestartFailed', `systemctl restart ${unit} failed: ${said(restarted)}`);
  }

  private systemctl(args: readonly string[]): Promise<CommandResult> {
    return this.host.run('nsenter', [
      `-m${join(this.hostRoot, 'proc/1/ns/mnt')}`,
      '--',
      'systemctl',
      ...args,
    ]);
  }
}

/** What a failed command said, for error messages. */
export function said(result: CommandResult): string {
  const output = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-3).join(' ');
  return `exit ${String(result.code)}${output ? `: ${output}` : ''}`;
}
