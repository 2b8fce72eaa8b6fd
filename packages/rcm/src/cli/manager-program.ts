/**
 * The `runtime-class-manager` command line: upstream's flags (`--metrics-bind-address` :8080,
 * `--health-probe-bind-address` :8082, `--leader-elect`, Lease `7584d300.spinkube.dev`) and the other flags
 * every manager here has; the Job settings come from upstream's environment variables (manager-settings.ts).
 * Parsing only; manager-main.ts runs the result.
 */
import { Command } from 'commander';
import { LeaderElectionIds } from '@spinkube/api';
import { addManagerFlags, type ManagerCliOptions } from '@spinkube/controller';

export type ManagerOptions = ManagerCliOptions;

export function managerProgram(version: string): Command {
  const program = new Command('runtime-class-manager')
    .description(
      'Installs containerd shims on the nodes each Shim selects, labels the nodes and creates their RuntimeClass.',
    )
    .version(version, '-v, --version')
    .addHelpText(
      'after',
      `
Environment:
  CONTROLLER_NAMESPACE         namespace of the node Jobs (required; also the Lease's by default)
  SHIM_DOWNLOADER_IMAGE        image of the Jobs' downloader init container (required)
  SHIM_NODE_INSTALLER_IMAGE    image of the Jobs' installer container (required)
  SHIM_NODE_INSTALLER_JOB_TTL  ttlSecondsAfterFinished of finished Jobs, when > 0
  SHIM_DOWNLOADER_CONFIG_MAP   ConfigMap the downloader takes its environment from (NUM_RETRY, SLEEP_DURATION)`,
    );
  return addManagerFlags(program, {
    leaderElectionId: LeaderElectionIds.runtimeClassManager,
    reconciled: 'Shims',
    leaseNamespace: '$CONTROLLER_NAMESPACE',
  })
    .showHelpAfterError()
    .allowExcessArguments(false);
}
