/**
 * spin-operator's command line: upstream's flags and defaults (reference §7.1), plus what running outside
 * the cluster needs (`--kubeconfig`, `--webhook-url`). Parsing only; main.ts runs the result.
 */
import { Command } from 'commander';
import { LeaderElectionIds } from '@spinkube/api';
import {
  addManagerFlags,
  argument,
  boolFlag,
  DEFAULT_WEBHOOK_CERT_DIR,
  DEFAULT_WEBHOOK_PORT,
  type ManagerCliOptions,
} from '@spinkube/controller';
import { DEFAULT_WEBHOOK_NAMES } from '../operator/webhooks.js';

export interface CliOptions extends ManagerCliOptions {
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

export function operatorProgram(version: string): Command {
  const program = new Command('spin-operator')
    .description('Runs the SpinApp and SpinAppExecutor controllers and their admission webhooks.')
    .version(version, '-v, --version');
  return addManagerFlags(program, {
    leaderElectionId: LeaderElectionIds.operator,
    reconciled: 'SpinApps (and executors)',
    leaseNamespace: "the operator's own",
  })
    .addOption(
      boolFlag('--enable-webhooks', 'serve the defaulting and validating admission webhooks').default(false),
    )
    .option('--webhook-port <port>', 'port of the webhook server', argument(port), DEFAULT_WEBHOOK_PORT)
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
      argument(url),
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
    .showHelpAfterError()
    .allowExcessArguments(false);
}
