/**
 * `npm run bench -w @spinkube/e2e` (root: it starts a real node): the real-node cluster's figures, printed,
 * never asserted.
 *
 * - start → node Ready: `startCluster({ realNode })` with the tools cached (control plane, registry, pause
 *   image, containerd, kubelet, kube-proxy, CoreDNS), target ≤ 30 s;
 * - operator install: CRDs, manifests, image push and pull, until the Deployment is Available;
 * - SpinApp apply → first HTTP 200 through its Service (the ClusterIP, from the node), with the app's
 *   image not yet on the node (cold) and again under a new name once it is (warm);
 * - memory: RSS of every process of the cluster and of the Spin shim, with the apps running.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { applyShimExecutor, installOperator } from '../support/operator-install.ts';
import { startRealNodeCluster, type RealNodeCluster } from '../support/real-node-cluster.ts';
import { helloApp, pushSpinApp } from '../support/spin-apps.ts';

const containerd = process.argv.includes('--containerd=v1') ? 'v1' : 'v2';
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rows: [string, string, string][] = [];
const row = (what: string, figure: string, baseline = '') => {
  rows.push([what, figure, baseline]);
  process.stderr.write(`${what}: ${figure}\n`);
};

let began = performance.now();
const e2e = await startRealNodeCluster('bench-real-node', containerd);
try {
  row(
    `start → node Ready (containerd ${containerd}, tools cached)`,
    seconds(performance.now() - began),
    'target ≤ 30 s',
  );

  began = performance.now();
  await installOperator(e2e);
  await applyShimExecutor(e2e);
  row('operator install → Available (image push and pull included)', seconds(performance.now() - began));

  const image = `${e2e.node.registry}/bench/hello:v1`;
  await pushSpinApp(helloApp('hello'), image);
  for (const [label, name] of [
    ['image not on the node', 'cold-app'],
    ['image on the node', 'warm-app'],
  ] as const) {
    const { total, podRunning } = await applyToFirst200(e2e, name, image);
    row(`SpinApp apply → first 200 via Service, ${label}`, seconds(total));
    row(`  of which: apply → pod Running (${label})`, seconds(podRunning));
  }

  for (const [name, kib] of memory(e2e)) row(`RSS ${name}`, `${(kib / 1024).toFixed(0)} MiB`);
} finally {
  await e2e.cluster.stop();
}

process.stdout.write('\n| measure | figure | baseline |\n|---|---|---|\n');
for (const [what, figure, baseline] of rows) process.stdout.write(`| ${what} | ${figure} | ${baseline} |\n`);

/**
 * Applies a SpinApp and polls its ClusterIP from inside the node (kube-proxy's rules) until it answers 200;
 * also notes when its pod was first seen Running, which splits the time into scheduling and container
 * start (operator, Deployment, kubelet, CRI, the shim) and the app's own start (load, compile, listen).
 */
async function applyToFirst200(
  cluster: RealNodeCluster,
  name: string,
  appImage: string,
): Promise<{ total: number; podRunning: number }> {
  const start = performance.now();
  await cluster.kubectl(['apply', '-f', '-'], {
    input: stringify({
      apiVersion: 'core.spinkube.dev/v1alpha1',
      kind: 'SpinApp',
      metadata: { name, namespace: 'default' },
      spec: { image: appImage, replicas: 1, executor: 'containerd-shim-spin' },
    }),
  });
  let clusterIp: string | undefined;
  let podRunning: number | undefined;
  for (;;) {
    if (performance.now() - start > 180_000) throw new Error(`${name}: no 200 within 180 s`);
    clusterIp ??= await cluster.core.readNamespacedService({ name, namespace: 'default' }).then(
      (service) => service.spec?.clusterIP,
      () => undefined,
    );
    if (podRunning === undefined) {
      const pods = await cluster.core.listNamespacedPod({
        namespace: 'default',
        labelSelector: `core.spinkube.dev/app-name=${name}`,
      });
      if (pods.items.some((pod) => pod.status?.phase === 'Running')) podRunning = performance.now() - start;
    }
    if (clusterIp && (await wgetInNode(cluster, `http://${clusterIp}/`)))
      return { total: performance.now() - start, podRunning: podRunning ?? performance.now() - start };
    await sleep(50);
  }
}

function wgetInNode(cluster: RealNodeCluster, url: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(
      '/usr/bin/nsenter',
      [`--net=${cluster.node.netnsPath}`, '--', '/bin/busybox', 'wget', '-qO-', url],
      { timeout: 5_000 },
      (error) => {
        resolve(!error);
      },
    );
  });
}

/** RSS (KiB) of the cluster's processes, containerd itself and the Spin shim's processes. */
function memory(cluster: RealNodeCluster): [string, number][] {
  const rss = (pid: number) => {
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      return 0;
    }
  };
  const figures: [string, number][] = cluster.cluster
    .processes()
    .map((p) => [p.name === 'containerd' ? 'containerd supervisor' : p.name, rss(p.pid)]);
  figures.push(['containerd', rss(cluster.node.containerdPid())]);
  let shim = 0;
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args[0]?.endsWith('containerd-shim-spin-v2') && args.includes(cluster.node.containerd.address))
        shim += rss(Number(entry));
    } catch {
      // Gone.
    }
  }
  figures.push(['Spin shim (all its processes)', shim]);
  return figures;
}
