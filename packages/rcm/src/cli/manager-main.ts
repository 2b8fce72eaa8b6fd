#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=1 --optimize-for-size
/** The `runtime-class-manager` executable: flags and environment, then the manager until SIGTERM/SIGINT. */
import type { KubeConfig } from '@kubernetes/client-node';
import { createLogger, loadManagerKubeConfig } from '@spinkube/controller';
import { managerSettings } from '../controller/manager-settings.js';
import { createRuntimeClassManager } from '../manager/runtime-class-manager.js';
import type { JobSettings } from '../shim/node-job.js';
import { managerProgram, type ManagerOptions } from './manager-program.js';
import { rcmVersion } from './version.js';

const version = rcmVersion();
const program = managerProgram(version);
program.parse();
const flags = program.opts<ManagerOptions>();
const logger = createLogger({ level: flags.zapLogLevel });
const setup = logger.child({ logger: 'setup' });

function fail(message: string, fields: Record<string, unknown> = {}): never {
  setup.error(fields, message);
  process.exit(1);
}
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

if (flags.metricsSecure)
  fail('--metrics-secure is not supported yet; serve plain HTTP with --metrics-secure=false');

let settings: JobSettings;
try {
  settings = managerSettings(process.env);
} catch (error) {
  fail('invalid environment', { error: describe(error) });
}
let kubeConfig: KubeConfig;
try {
  kubeConfig = loadManagerKubeConfig(flags.kubeconfig);
} catch (error) {
  fail('unable to load a kubeconfig', { error: describe(error) });
}

setup.info(
  {
    version,
    namespace: settings.namespace,
    downloaderImage: settings.downloaderImage,
    installerImage: settings.installerImage,
    leaderElect: flags.leaderElect,
  },
  'starting runtime-class-manager',
);
const rcm = createRuntimeClassManager({
  kubeConfig,
  logger,
  settings,
  metricsBindAddress: flags.metricsBindAddress,
  healthProbeBindAddress: flags.healthProbeBindAddress,
  maxConcurrentReconciles: flags.maxConcurrentReconciles,
  gracefulShutdownTimeoutMs: flags.gracefulShutdownTimeout,
  ...(flags.leaderElect
    ? {
        leaderElection: {
          namespace: flags.leaderElectionNamespace ?? settings.namespace,
          id: flags.leaderElectionId,
          leaseDurationMs: flags.leaseDuration,
          renewDeadlineMs: flags.renewDeadline,
          retryPeriodMs: flags.retryPeriod,
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
rcm.run(stop.signal).then(
  () => process.exit(0),
  (error: unknown) => fail('runtime-class-manager stopped', { error: describe(error) }),
);
