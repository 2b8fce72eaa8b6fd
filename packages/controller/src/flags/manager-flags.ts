/**
 * The command-line flags every controller-runtime manager has (metrics, probes, leader election, shutdown,
 * zap logging), in upstream's spelling and with Go's boolean and duration syntax, shared by spin-operator
 * and the runtime-class-manager. Each program adds its own flags after these.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseLogLevel, type LogLevel } from '../log/logger.js';
import { parseGoDuration } from './go-duration.js';

export interface ManagerCliOptions {
  readonly kubeconfig?: string;
  readonly metricsBindAddress: string;
  readonly metricsSecure: boolean;
  readonly healthProbeBindAddress: string;
  readonly leaderElect: boolean;
  readonly leaderElectionId: string;
  readonly leaderElectionNamespace?: string;
  readonly leaseDuration: number;
  readonly renewDeadline: number;
  readonly retryPeriod: number;
  readonly maxConcurrentReconciles: number;
  readonly gracefulShutdownTimeout: number;
  readonly zapLogLevel: LogLevel;
}

export interface ManagerFlagDefaults {
  readonly leaderElectionId: string;
  readonly metricsBindAddress?: string;
  readonly healthProbeBindAddress?: string;
  /** What `--max-concurrent-reconciles` counts, for its help text. */
  readonly reconciled: string;
  /** Where the Lease lives without `--leader-election-namespace`, for its help text. */
  readonly leaseNamespace: string;
}

/** Go-style booleans: `--leader-elect`, `--leader-elect=true`, `--leader-elect=false`. */
export function goBool(value: string): boolean {
  if (['true', '1', 't', 'T', 'TRUE', 'True'].includes(value)) return true;
  if (['false', '0', 'f', 'F', 'FALSE', 'False'].includes(value)) return false;
  throw new InvalidArgumentError(`"${value}" is not a boolean (true or false)`);
}

/** A parser whose errors become commander's "option '…' argument '…' is invalid" messages. */
export function argument<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
    }
  };
}

export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`"${value}" is not a positive integer`);
  return number;
}

/** A boolean flag that takes Go's forms: bare, `=true` or `=false`. */
export function boolFlag(flags: string, description: string): Option {
  return new Option(`${flags} [bool]`, description).argParser(goBool).preset('true');
}

function duration(flags: string, description: string, defaultMs: number, shown: string): Option {
  return new Option(flags, description).argParser(argument(parseGoDuration)).default(defaultMs, shown);
}

/** Adds the manager flags to `command`; returns it for chaining. */
export function addManagerFlags(command: Command, defaults: ManagerFlagDefaults): Command {
  return command
    .option(
      '--kubeconfig <path>',
      'kubeconfig to use (default: $KUBECONFIG, in-cluster config, ~/.kube/config)',
    )
    .option(
      '--metrics-bind-address <address>',
      'where /metrics is served; "0" disables it',
      defaults.metricsBindAddress ?? ':8080',
    )
    .addOption(
      boolFlag(
        '--metrics-secure',
        'serve metrics over HTTPS with authentication (not supported yet: refused)',
      ).default(false),
    )
    .addOption(
      boolFlag('--enable-http2', 'accepted for compatibility; servers speak HTTP/1.1').default(false),
    )
    .option(
      '--health-probe-bind-address <address>',
      'where /healthz and /readyz are served',
      defaults.healthProbeBindAddress ?? ':8082',
    )
    .addOption(
      boolFlag('--leader-elect', 'run the controllers only on the replica holding the Lease').default(false),
    )
    .option('--leader-election-id <name>', 'name of the leader election Lease', defaults.leaderElectionId)
    .option(
      '--leader-election-namespace <namespace>',
      `namespace of the Lease (default: ${defaults.leaseNamespace})`,
    )
    .addOption(
      duration('--lease-duration <duration>', 'how long a Lease is held without renewal', 15_000, '15s'),
    )
    .addOption(duration('--renew-deadline <duration>', 'how long the leader retries renewing', 10_000, '10s'))
    .addOption(duration('--retry-period <duration>', 'time between Lease attempts', 2000, '2s'))
    .option(
      '--max-concurrent-reconciles <n>',
      `${defaults.reconciled} reconciled at once`,
      argument(positiveInteger),
      1,
    )
    .addOption(
      duration(
        '--graceful-shutdown-timeout <duration>',
        'how long a stop waits for reconciles in flight',
        30_000,
        '30s',
      ),
    )
    .option(
      '--zap-log-level <level>',
      'debug, info, warn, error (or a zap verbosity number)',
      argument(parseLogLevel),
      'info',
    )
    .addOption(
      new Option('--zap-devel [bool]', 'accepted for compatibility (logs are always JSON)').argParser(goBool),
    )
    .addOption(
      new Option('--zap-encoder <encoder>', 'accepted for compatibility; only json is written').choices([
        'json',
        'console',
      ]),
    )
    .addOption(new Option('--zap-stacktrace-level <level>', 'accepted for compatibility'))
    .addOption(
      new Option('--zap-time-encoding <encoding>', 'accepted for compatibility; times are ISO 8601'),
    );
}

/** The kubeconfig a manager talks to the cluster with: `--kubeconfig`, else client-go's default order. */
export function loadManagerKubeConfig(path: string | undefined): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (path) kubeConfig.loadFromFile(path);
  else kubeConfig.loadFromDefault();
  if (!kubeConfig.getCurrentCluster()) throw new Error('no cluster in the configuration');
  return kubeConfig;
}
