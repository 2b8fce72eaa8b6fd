/**
 * The built `runtime-class-manager` binary as the tests' manager: a real process with upstream's flags
 * and environment, reading the test cluster's kubeconfig; stopped by PID when the test file ends.
 */
import { join } from 'node:path';
import {
  freePort,
  startManagerProcess,
  stopManagerProcesses,
  type ManagerProcess,
} from '@spinkube/test-cluster';
import { afterAll } from 'vitest';

const BINARY = join(import.meta.dirname, '..', 'dist', 'cli', 'manager-main.js');

/** Images the Jobs name; kwok nodes never pull them and stand-in nodes never run them. */
export const TEST_IMAGES = {
  SHIM_DOWNLOADER_IMAGE: 'registry.test/shim-downloader:test',
  SHIM_NODE_INSTALLER_IMAGE: 'registry.test/node-installer:test',
} as const;

export interface RcmProcess extends ManagerProcess {
  readonly ports: { readonly metrics: number; readonly health: number };
}

afterAll(stopManagerProcesses);

export async function startRcmProcess(options: {
  readonly kubeconfigPath: string;
  /** CONTROLLER_NAMESPACE: where the Jobs go. */
  readonly namespace: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly args?: readonly string[];
}): Promise<RcmProcess> {
  const ports = { metrics: await freePort(), health: await freePort() };
  const manager = await startManagerProcess({
    name: 'runtime-class-manager',
    args: [
      BINARY,
      `--kubeconfig=${options.kubeconfigPath}`,
      `--metrics-bind-address=127.0.0.1:${String(ports.metrics)}`,
      `--health-probe-bind-address=127.0.0.1:${String(ports.health)}`,
      ...(options.args ?? []),
    ],
    env: { CONTROLLER_NAMESPACE: options.namespace, ...TEST_IMAGES, ...options.env },
    readyPort: ports.health,
  });
  return Object.assign(manager, { ports });
}
