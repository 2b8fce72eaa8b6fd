#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=1 --optimize-for-size
/** The `spin-operator` executable: parse flags, run the operator until SIGTERM/SIGINT, exit non-zero on failure. */
import type { KubeConfig } from '@kubernetes/client-node';
import { createLogger, loadManagerKubeConfig } from '@spinkube/controller';
import { createOperator } from '../operator/operator.js';
import { ownNamespace } from './own-namespace.js';
import { operatorProgram, type CliOptions } from './program.js';
import { operatorVersion } from './version.js';

const version = operatorVersion();

const program = operatorProgram(version);
program.parse();
const flags = program.opts<CliOptions>();
const logger = createLogger({ level: flags.zapLogLevel });
const setup = logger.child({ logger: 'setup' });

function fail(message: string, fields: Record<string, unknown> = {}): never {
  setup.error(fields, message);
  process.exit(1);
}

if (flags.metricsSecure) {
  fail('--metrics-secure is not supported yet; serve plain HTTP with --metrics-secure=false');
}

let kubeConfig: KubeConfig;
try {
  kubeConfig = loadManagerKubeConfig(flags.kubeconfig);
} catch (error) {
  fail('unable to load a kubeconfig', { error: error instanceof Error ? error.message : String(error) });
}

const namespace = flags.namespace ?? ownNamespace();
setup.info(
  { version, namespace, leaderElect: flags.leaderElect, webhooks: flags.enableWebhooks },
  'starting spin-operator',
);

const operator = createOperator({
  kubeConfig,
  logger,
  metricsBindAddress: flags.metricsBindAddress,
  healthProbeBindAddress: flags.healthProbeBindAddress,
  maxConcurrentReconciles: flags.maxConcurrentReconciles,
  gracefulShutdownTimeoutMs: flags.gracefulShutdownTimeout,
  ...(flags.watchNamespace ? { namespace: flags.watchNamespace } : {}),
  ...(flags.leaderElect
    ? {
        leaderElection: {
          namespace: flags.leaderElectionNamespace ?? namespace,
          id: flags.leaderElectionId,
          leaseDurationMs: flags.leaseDuration,
          renewDeadlineMs: flags.renewDeadline,
          retryPeriodMs: flags.retryPeriod,
        },
      }
    : {}),
  ...(flags.enableWebhooks
    ? {
        webhooks: {
          port: flags.webhookPort,
          ...(flags.webhookHost ? { host: flags.webhookHost } : {}),
          certDir: flags.webhookCertDir,
          namespace,
          certSecret: flags.webhookCertSecret,
          serviceName: flags.webhookServiceName,
          ...(flags.webhookUrl ? { url: flags.webhookUrl } : {}),
          mutatingConfiguration: flags.mutatingWebhookConfiguration,
          validatingConfiguration: flags.validatingWebhookConfiguration,
          ...(flags.watchNamespace ? { onlyNamespace: flags.watchNamespace } : {}),
        },
      }
    : {}),
});

const stop = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    setup.info({ signal }, 'shutting down');
    stop.abort();
  });
}
operator.run(stop.signal).then(
  () => process.exit(0),
  (error: unknown) =>
    fail('operator stopped', { error: error instanceof Error ? error.message : String(error) }),
);
