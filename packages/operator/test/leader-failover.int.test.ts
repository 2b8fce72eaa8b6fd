/**
 * Two spin-operator processes with `--leader-elect` and upstream's default timings (lease 15 s, renew 10 s,
 * retry 2 s): one leads and reconciles, the other waits; when the leader is killed outright (no Lease
 * release), the other takes over within 20 s and reconciles what arrived meanwhile.
 */
import {
  AppsV1Api,
  CoordinationV1Api,
  CustomObjectsApi,
  NodeV1Api,
  type V1RuntimeClass,
} from '@kubernetes/client-node';
import { LeaderElectionIds } from '@spinkube/api';
import { useNamespace } from '@spinkube/test-cluster/vitest';
import { describe, expect, it } from 'vitest';
import { startOperatorProcess } from './operator-process.js';
import { sample } from './upstream-samples.js';

const { kubeConfig, kubeconfigPath, namespace } = useNamespace('failover');
const custom = kubeConfig.makeApiClient(CustomObjectsApi);
const apps = kubeConfig.makeApiClient(AppsV1Api);
const leases = kubeConfig.makeApiClient(CoordinationV1Api);

async function createApp(name: string): Promise<void> {
  const app = sample('simple.yaml') as { metadata: Record<string, unknown> };
  await custom.createNamespacedCustomObject({
    group: 'core.spinkube.dev',
    version: 'v1alpha1',
    namespace,
    plural: 'spinapps',
    body: { ...app, metadata: { ...app.metadata, name } },
  });
}

async function deploymentAppears(name: string, timeoutMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    const found = await apps.readNamespacedDeployment({ name, namespace }).then(
      () => true,
      () => false,
    );
    if (found) return performance.now() - started;
    if (performance.now() - started > timeoutMs)
      throw new Error(`Deployment ${name} not created in ${String(timeoutMs)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function holder(): Promise<string> {
  const lease = await leases.readNamespacedLease({ name: LeaderElectionIds.operator, namespace });
  return lease.spec?.holderIdentity ?? '';
}

describe('leader election between two operator processes', () => {
  it(
    'elects one leader; the other takes over within 20 s when the leader is killed',
    { timeout: 90_000 },
    async () => {
      await kubeConfig
        .makeApiClient(NodeV1Api)
        .createRuntimeClass({ body: sample('spin-runtime-class.yaml') as unknown as V1RuntimeClass })
        .catch(() => undefined);
      await custom.createNamespacedCustomObject({
        group: 'core.spinkube.dev',
        version: 'v1alpha1',
        namespace,
        plural: 'spinappexecutors',
        body: sample('spin-shim-executor.yaml'),
      });
      const options = { kubeconfigPath, namespace, watchNamespace: namespace, leaderElect: true };
      const first = await startOperatorProcess(options);
      await first.waitForLog((line) => line['msg'] === 'Successfully acquired lease');
      const second = await startOperatorProcess(options);
      await second.waitForLog((line) => line['msg'] === 'Attempting to acquire leader lease');

      await createApp('before-failover');
      await deploymentAppears('before-failover', 15_000);
      const leaderIdentity = await holder();
      expect(leaderIdentity).not.toBe('');
      expect(second.logs.some((line) => line['msg'] === 'Successfully acquired lease')).toBe(false);
      expect(second.logs.some((line) => line['msg'] === 'Starting workers')).toBe(false);

      // SIGKILL: no graceful release, so the follower must wait for the Lease to expire.
      const killedAt = performance.now();
      expect(await first.stop('SIGKILL')).toBe('SIGKILL');
      await createApp('after-failover');
      await second.waitForLog((line) => line['msg'] === 'Successfully acquired lease', 25_000);
      const takeoverMs = performance.now() - killedAt;
      await deploymentAppears('after-failover', 25_000);
      const reconciledMs = performance.now() - killedAt;
      process.stderr.write(
        `[failover] takeover after ${String(Math.round(takeoverMs))} ms, new app reconciled after ${String(Math.round(reconciledMs))} ms\n`,
      );
      // The Lease contract, not a performance figure: expiry (15 s) plus at most one jittered retry (2.4 s).
      expect(takeoverMs).toBeLessThanOrEqual(20_000);
      expect(await holder()).not.toBe(leaderIdentity);

      // A graceful stop releases the Lease: the holder is cleared at once.
      expect(await second.stop('SIGTERM')).toBe(0);
      expect(await holder()).toBe('');
    },
  );
});
