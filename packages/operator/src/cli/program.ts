/**
 * spin-operator's command line: upstream's flags and defaults (reference §7.1), plus what running outside
 * the cluster needs (`--kubeconfig`, `--webhook-url`). Parsing only; main.ts runs the result.
 */
import { Command, InvalidArgumentError, Option } from 'commander';

const duration = (flags: string, description: string, defaultMs: number, shown: string) =>
  new Option(flags, description).argParser(wrap(parseGoDuration)).default(defaultMs, shown);
import { LeaderElectionIds } from '@spinkube/api';
import {
  DEFAULT_WEBHOOK_CERT_DIR,
  DEFAULT_WEBHOOK_PORT,
  parseGoDuration,
  parseLogLevel,
} from '@spinkube/controller';
import { DEFAULT_WEBHOOK_NAMES } from '../operator/webhooks.js';

export interface CliOptions {
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
  readonly enableWebhooks: boolean;
  readonly webhookPort: number;
  readonly webhookHost?: string;
  readonly webhookCertDir: string;
  readonly webhookCertSecret: string;
  readonly webhookServiceName: string;
  readonly webhookUrl?: string;
  readonly mutatingWebhookConfiguration: string;
  readonly validatingWebhookConfiguration: string;
  readonly namespace?: string;
  readonly watchNamespace?: string;
  readonly maxConcurrentReconciles: number;
  readonly gracefulShutdownTimeout: number;
  readonly zapLogLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** Go-style booleans: `--leader-elect`, `--leader-elect=true`, `--leader-elect=false`. */
function goBool(value: string): boolean {
  if (['true', '1', 't', 'T', 'TRUE', 'True'].includes(value)) return true;
  if (['false', '0', 'f', 'F', 'FALSE', 'False'].includes(value)) return false;
  throw new InvalidArgumentError(`"${value}" is not a boolean (true or false)`);
}

function wrap<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
    }
  };
}

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`"${value}" is not a positive integer`);
  return number;
}

function port(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65535) throw new Error(`"${value}" is not a port`);
  return number;
}

function url(value: string): string {
  const parsed = new URL(value);
  if (parsed.protocol !== 'https:') throw new Error(`"${value}" must be an https:// URL`);
  return value.replace(/\/+$/, '');
}

const flag = (flags: string, description: string) =>
  new Option(`${flags} [bool]`, description).argParser(goBool).preset('true');

export function operatorProgram(version: string): Command {
  return new Command('spin-operator')
    .description('Runs the SpinApp and SpinAppExecutor controllers and their admission webhooks.')
    .version(version, '-v, --version')
    .option(
      '--kubeconfig <path>',
      'kubeconfig to use (default: $KUBECONFIG, in-cluster config, ~/.kube/config)',
    )
    .option('--metrics-bind-address <address>', 'where /metrics is served; "0" disables it', ':8080')
    .addOption(
      flag(
        '--metrics-secure',
        'serve metrics over HTTPS with authentication (not supported yet: refused)',
      ).default(false),
    )
    .addOption(flag('--enable-http2', 'accepted for compatibility; servers speak HTTP/1.1').default(false))
    .option('--health-probe-bind-address <address>', 'where /healthz and /readyz are served', ':8082')
    .addOption(
      flag('--leader-elect', 'run the controllers only on the replica holding the Lease').default(false),
    )
    .option('--leader-election-id <name>', 'name of the leader election Lease', LeaderElectionIds.operator)
    .option('--leader-election-namespace <namespace>', "namespace of the Lease (default: the operator's own)")
    .addOption(
      duration('--lease-duration <duration>', 'how long a Lease is held without renewal', 15_000, '15s'),
    )
    .addOption(duration('--renew-deadline <duration>', 'how long the leader retries renewing', 10_000, '10s'))
    .addOption(duration('--retry-period <duration>', 'time between Lease attempts', 2000, '2s'))
    .addOption(
      flag('--enable-webhooks', 'serve the defaulting and validating admission webhooks').default(false),
    )
    .option('--webhook-port <port>', 'port of the webhook server', wrap(port), DEFAULT_WEBHOOK_PORT)
    .option('--webhook-host <address>', 'address the webhook server listens on (default: all)')
    .option(
      '--webhook-cert-dir <dir>',
      'a mounted tls.crt/tls.key (cert-manager) to serve; without one the operator issues its own',
      DEFAULT_WEBHOOK_CERT_DIR,
    )
    .option(
      '--webhook-cert-secret <name>',
      'Secret for the self-managed certificates',
      DEFAULT_WEBHOOK_NAMES.certSecret,
    )
    .option(
      '--webhook-service-name <name>',
      'Service the API server calls the webhooks through',
      DEFAULT_WEBHOOK_NAMES.serviceName,
    )
    .option(
      '--webhook-url <url>',
      'base URL the API server calls instead (operator outside the cluster); the operator then creates the webhook configurations',
      wrap(url),
    )
    .option(
      '--mutating-webhook-configuration <name>',
      'MutatingWebhookConfiguration to inject the CA into',
      DEFAULT_WEBHOOK_NAMES.mutatingConfiguration,
    )
    .option(
      '--validating-webhook-configuration <name>',
      'ValidatingWebhookConfiguration to inject the CA into',
      DEFAULT_WEBHOOK_NAMES.validatingConfiguration,
    )
    .option(
      '--namespace <namespace>',
      "the operator's namespace (default: $POD_NAMESPACE, the service account's, default)",
    )
    .option('--watch-namespace <namespace>', 'reconcile SpinApps in this namespace only (default: all)')
    .option(
      '--max-concurrent-reconciles <n>',
      'SpinApps (and executors) reconciled at once',
      wrap(positiveInteger),
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
      wrap(parseLogLevel),
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
    .addOption(new Option('--zap-time-encoding <encoding>', 'accepted for compatibility; times are ISO 8601'))
    .showHelpAfterError()
    .allowExcessArguments(false);
}
