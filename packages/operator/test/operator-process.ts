/**
 * Runs the built `spin-operator` binary as the tests' operator: a real process with its flags, reading the
 * test cluster's kubeconfig, reached over its real ports (test-cluster's startManagerProcess). Stopped by PID
 * when the test file ends.
 */
import { join } from 'node:path';
import {
  freePort,
  startManagerProcess,
  stopManagerProcesses,
  type ManagerProcess,
} from '@spinkube/test-cluster';
import { afterAll } from 'vitest';
import { OPERATOR_NODE_ENV, OPERATOR_NODE_FLAGS } from '../src/cli/node-flags.js';

const BINARY = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

export interface OperatorProcessOptions {
  readonly kubeconfigPath: string;
  /** Reconcile (and, with webhooks, admit) this namespace only, so test files never meet. */
  readonly watchNamespace?: string;
  /** The operator's own namespace: Lease and webhook certificate Secret. */
  readonly namespace: string;
  readonly webhooks?: boolean;
  readonly leaderElect?: boolean;
  readonly extraArgs?: readonly string[];
  /** Resolve once started without waiting for /readyz (leader candidates wait on the Lease, not on this). */
  readonly waitReady?: boolean;
}

export interface OperatorProcess extends ManagerProcess {
  readonly ports: { readonly metrics: number; readonly health: number; readonly webhook: number };
}

afterAll(stopManagerProcesses);

export async function startOperatorProcess(options: OperatorProcessOptions): Promise<OperatorProcess> {
  const ports = { metrics: await freePort(), health: await freePort(), webhook: await freePort() };
  const args = [
    BINARY,
    `--kubeconfig=${options.kubeconfigPath}`,
    `--namespace=${options.namespace}`,
    `--metrics-bind-address=127.0.0.1:${String(ports.metrics)}`,
    `--health-probe-bind-address=127.0.0.1:${String(ports.health)}`,
    ...(options.watchNamespace ? [`--watch-namespace=${options.watchNamespace}`] : []),
    ...(options.leaderElect ? ['--leader-elect'] : []),
    ...(options.webhooks
      ? [
          '--enable-webhooks',
          `--webhook-port=${String(ports.webhook)}`,
          '--webhook-host=127.0.0.1',
          `--webhook-url=https://127.0.0.1:${String(ports.webhook)}`,
          `--webhook-cert-secret=webhook-cert-${options.namespace}`,
          `--mutating-webhook-configuration=mutating-${options.namespace}`,
          `--validating-webhook-configuration=validating-${options.namespace}`,
        ]
      : []),
    ...(options.extraArgs ?? []),
  ];
  // Started as its shebang starts it in production.
  const manager = await startManagerProcess({
    name: 'spin-operator',
    args: [...OPERATOR_NODE_FLAGS, ...args],
    env: OPERATOR_NODE_ENV,
    ...((options.waitReady ?? true) ? { readyPort: ports.health } : {}),
  });
  if ((options.waitReady ?? true) && options.webhooks)
    await manager.waitForLog((line) => line['msg'] === 'Serving webhook server');
  return Object.assign(manager, { ports });
}
