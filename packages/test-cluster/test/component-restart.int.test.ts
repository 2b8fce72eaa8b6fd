/**
 * Restarting control-plane components of a running local cluster. The run's shared cluster lives in the
 * vitest main process, out of reach of a test worker, so this file starts a dedicated cluster of its own.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startCluster,
  type ClusterComponent,
  type RestartComponentOptions,
  type TestCluster,
} from '../src/index.js';
import { isAlive } from '../src/local/processes.js';
import { readState } from '../src/local/state.js';
import { eventually } from '../src/eventually.js';

const namespace = 'default';
let cluster: TestCluster;
let core: CoreV1Api;
let apps: AppsV1Api;
/** Every PID any process of the cluster ever had. */
const pids = new Set<number>();
const pidOf = (name: string) => cluster.processes().find((p) => p.name === name)?.pid ?? 0;
const remember = () => {
  for (const p of cluster.processes()) pids.add(p.pid);
};

/** A Deployment created now becomes Available: controller manager, scheduler and kwok all do their part. */
async function deploymentBecomesAvailable(name: string): Promise<void> {
  const labels = { app: name };
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name, image: 'example.invalid/x:1' }] } },
      },
    },
  });
  // Well under kwok's 40 s node leases: a restarted kwok must take its nodes back at once.
  await eventually(
    `Deployment ${name} to be Available`,
    async () => {
      const d = await apps.readNamespacedDeployment({ name, namespace });
      return d.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True');
    },
    20_000,
  );
}

// The capability belongs to the local provider; a kind-only machine may lack the Go toolchain it needs.
describe.skipIf(process.env['SPINKUBE_CLUSTER_PROVIDER'] === 'kind')(
  'restartComponent on a local cluster',
  () => {
    beforeAll(async () => {
      cluster = await startCluster({ provider: 'local', name: `restart-${randomBytes(3).toString('hex')}` });
      core = cluster.kubeConfig.makeApiClient(CoreV1Api);
      apps = cluster.kubeConfig.makeApiClient(AppsV1Api);
      remember();
    });
    afterAll(async () => {
      // Undefined when the start failed.
      await (cluster as TestCluster | undefined)?.stop();
    });

    it('restarts kube-apiserver after a downtime on the same port, keeping objects and taking writes', async () => {
      await core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: 'before' }, data: { k: 'v' } },
      });
      const others = cluster.processes().filter((p) => p.name !== 'kube-apiserver');

      const restarted = await cluster.restartComponent('kube-apiserver', { downtimeMs: 500 });
      remember();
      expect(restarted.pid).not.toBe(restarted.previousPid);
      expect(restarted.unavailableMs).toBeGreaterThanOrEqual(500);
      expect(isAlive(restarted.previousPid)).toBe(false);
      expect(isAlive(restarted.pid)).toBe(true);
      // The same server URL (so the same port) serves the same data; the other processes were left alone.
      expect((await core.readNamespacedConfigMap({ name: 'before', namespace })).data).toEqual({ k: 'v' });
      await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'after-sigterm' } } });
      expect(cluster.processes().filter((p) => p.name !== 'kube-apiserver')).toEqual(others);
      // The state file, which `stop()` of another process and orphan reaping read, has the new PID.
      expect(readState(cluster.dataDir)?.processes.map((p) => p.pid)).toEqual(
        cluster.processes().map((p) => p.pid),
      );
    });

    it("survives a crash of kube-apiserver (signal 'SIGKILL'); the restart logs to the same file", async () => {
      const restarted = await cluster.restartComponent('kube-apiserver', { signal: 'SIGKILL' });
      remember();
      expect(isAlive(restarted.previousPid)).toBe(false);
      expect((await core.readNamespacedConfigMap({ name: 'before', namespace })).data).toEqual({ k: 'v' });
      const written = await core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: 'after-sigkill' }, data: { k: 'w' } },
      });
      expect(written.metadata?.uid).toBeTruthy();
      const log = cluster.processes().find((p) => p.name === 'kube-apiserver')?.logFile ?? '';
      const text = readFileSync(log, 'utf8');
      expect(text).toContain(`pid ${String(restarted.previousPid)} stopped with SIGKILL`);
      expect(text.match(/restarted by @spinkube\/test-cluster/g)).toHaveLength(2);
    });

    it('leaves the controllers working, without restarting them, across the API server restarts', async () => {
      const before = ['kube-controller-manager', 'kube-scheduler', 'kwok'].map(pidOf);
      await deploymentBecomesAvailable('after-apiserver');
      expect(['kube-controller-manager', 'kube-scheduler', 'kwok'].map(pidOf)).toEqual(before);
    });

    // etcd outlasts a short grace period while the API server's watches are open: SIGTERM, then SIGKILL.
    it.each<[ClusterComponent, RestartComponentOptions]>([
      ['etcd', { graceMs: 1_000 }],
      ['kube-controller-manager', {}],
      ['kube-scheduler', {}],
      ['kwok', {}],
    ])('restarts %s on the same ports and the cluster keeps working', async (component, options) => {
      const restarted = await cluster.restartComponent(component, options);
      remember();
      expect(isAlive(restarted.previousPid)).toBe(false);
      expect(pidOf(component)).toBe(restarted.pid);
      expect((await core.readNamespacedConfigMap({ name: 'before', namespace })).data).toEqual({ k: 'v' });
      await deploymentBecomesAvailable(`after-${component}`);
    });

    it('stop() stops every process of the cluster by PID, restarted ones included, and removes its data', async () => {
      expect(pids.size).toBe(5 + 6);
      await cluster.stop();
      for (const pid of pids) expect(isAlive(pid), `pid ${String(pid)}`).toBe(false);
      expect(existsSync(cluster.dataDir)).toBe(false);
    });
  },
);
