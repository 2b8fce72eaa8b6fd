/**
 * runtime-class-manager benchmark (prints figures; asserts nothing). A fresh local cluster with `--nodes`
 * kwok nodes (kwok runs each Job's pod to completion at once, standing in for the node installer; the real
 * Job controller counts), SpinKube's CRDs and the built manager process. For each strategy a Shim selecting
 * every kwok node is created, and the bench reports the time to the first Job, to all nodes `provisioned`
 * with their Jobs complete, and the Shim's Ready condition; then the Shim is deleted and the time until the
 * uninstall is done and the Shim gone. Alongside: the manager's resident memory idle and at its peak, its
 * CPU seconds, and its reconcile count from /metrics.
 *
 *   node packages/rcm/bench/rollout.ts [--nodes 100] [--strategies recreate,rolling:10] [--timeout 600]
 *
 * Exits 0 whether the figures are good or not; non-zero only when the benchmark itself fails.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { BatchV1Api, CoreV1Api } from '@kubernetes/client-node';
import { ResourceClient, ShimResource, type Shim, type ShimSpec } from '@spinkube/api';
import {
  freePort,
  installSpinKubeCrds,
  startCluster,
  startManagerProcess,
  type ManagerProcess,
  type TestCluster,
} from '@spinkube/test-cluster';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '100' },
    strategies: { type: 'string', default: 'recreate,rolling:10' },
    timeout: { type: 'string', default: '600' },
  },
});
const nodeCount = Number(values.nodes);
const timeoutMs = Number(values.timeout) * 1000;
const BINARY = join(import.meta.dirname, '..', 'dist', 'cli', 'manager-main.js');
const NAMESPACE = 'rcm-bench';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${String(pid)}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Number(line?.split(/\s+/)[1] ?? 0);
}

function cpuSeconds(pid: number): number {
  const fields =
    readFileSync(`/proc/${String(pid)}/stat`, 'utf8')
      .split(') ')[1]
      ?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (100/s)
}

async function reconciles(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${String(port)}/metrics`)).text();
  return text
    .split('\n')
    .filter(
      (line) => line.startsWith('controller_runtime_reconcile_total{') && line.includes('controller="shim"'),
    )
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

async function until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function strategy(text: string): ShimSpec['rolloutStrategy'] {
  if (text === 'recreate') return { type: 'recreate' };
  const match = /^rolling:(\d+)$/.exec(text);
  if (!match) throw new Error(`--strategies: "${text}" is neither recreate nor rolling:<maxUpdate>`);
  return { type: 'rolling', rolling: { maxUpdate: Number(match[1]) } };
}

async function runStrategy(cluster: TestCluster, manager: ManagerProcess, metricsPort: number, text: string) {
  const shims = new ResourceClient<Shim>(cluster.kubeConfig, ShimResource);
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  const batch = cluster.kubeConfig.makeApiClient(BatchV1Api);
  const name = `spin-bench-${text.replace(':', '-')}`;
  const reconcilesBefore = await reconciles(metricsPort);
  const cpuBefore = cpuSeconds(manager.pid);
  const started = performance.now();
  await shims.create({
    apiVersion: 'runtime.spinkube.dev/v1alpha1',
    kind: 'Shim',
    metadata: { name },
    spec: {
      nodeSelector: { type: 'kwok' },
      fetchStrategy: {
        platforms: [{ os: 'linux', arch: 'x86_64', location: 'https://downloads.test/shim.tar.gz' }],
      },
      runtimeClass: { name: `rc-${name}`, handler: name },
      rolloutStrategy: strategy(text),
    },
  });
  const jobsOf = async () =>
    (await batch.listNamespacedJob({ namespace: NAMESPACE, labelSelector: `spinkube.dev/shimName=${name}` }))
      .items;
  await until('the first Job', async () => ((await jobsOf()).length > 0 ? true : undefined));
  const firstJob = performance.now() - started;
  await until(`${String(nodeCount)} nodes provisioned`, async () => {
    const nodes = await core.listNode({ labelSelector: `${name}=provisioned` });
    return nodes.items.length === nodeCount ? true : undefined;
  });
  const provisioned = performance.now() - started;
  await until('Ready', async () => {
    const ready = (await shims.get(name))?.status?.conditions?.find((c) => c.type === 'Ready');
    return ready?.status === 'True' ? true : undefined;
  });
  const ready = performance.now() - started;
  const jobs = await jobsOf();
  const complete = jobs.filter((j) => j.status?.conditions?.some((c) => c.type === 'Complete')).length;
  const installReconciles = (await reconciles(metricsPort)) - reconcilesBefore;
  const installCpu = cpuSeconds(manager.pid) - cpuBefore;

  const deleteStarted = performance.now();
  await shims.delete(name);
  await until('the Shim gone', async () => ((await shims.get(name)) === undefined ? true : undefined));
  const uninstalled = performance.now() - deleteStarted;
  const left = (await core.listNode({ labelSelector: name })).items.length;

  process.stdout.write(
    [
      `\n${text} over ${String(nodeCount)} kwok nodes`,
      `  create → first Job           ${seconds(firstJob)}`,
      `  create → all provisioned     ${seconds(provisioned)}  (${String(complete)}/${String(jobs.length)} install Jobs complete)`,
      `  create → Ready               ${seconds(ready)}`,
      `  delete → uninstalled, gone   ${seconds(uninstalled)}  (${String(left)} nodes still labelled)`,
      `  manager CPU (install)        ${installCpu.toFixed(1)} s`,
      `  reconciles (install)         ${String(installReconciles)}`,
      `  manager RSS now / peak       ${mib(procStatus(manager.pid, 'VmRSS'))} / ${mib(procStatus(manager.pid, 'VmHWM'))}`,
    ].join('\n') + '\n',
  );
}

const cluster = await startCluster({
  name: 'rcm-bench',
  nodes: nodeCount,
  log: (line) => process.stderr.write(`[cluster] ${line}\n`),
});
let manager: ManagerProcess | undefined;
try {
  await installSpinKubeCrds(cluster.kubeConfig);
  await cluster.kubeConfig
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name: NAMESPACE } } });
  const metricsPort = await freePort();
  const healthPort = await freePort();
  manager = await startManagerProcess({
    name: 'runtime-class-manager',
    // As its shebang starts it in production.
    args: [
      '--max-semi-space-size=1',
      '--optimize-for-size',
      BINARY,
      `--kubeconfig=${cluster.kubeconfigPath}`,
      `--metrics-bind-address=127.0.0.1:${String(metricsPort)}`,
      `--health-probe-bind-address=127.0.0.1:${String(healthPort)}`,
    ],
    env: {
      MALLOC_ARENA_MAX: '2',
      CONTROLLER_NAMESPACE: NAMESPACE,
      SHIM_DOWNLOADER_IMAGE: 'registry.test/shim-downloader:bench',
      SHIM_NODE_INSTALLER_IMAGE: 'registry.test/node-installer:bench',
    },
    readyPort: healthPort,
  });
  await sleep(2000);
  process.stdout.write(
    `runtime-class-manager bench: ${String(cpus().length)} cores; manager idle RSS ${mib(procStatus(manager.pid, 'VmRSS'))} with ${String(nodeCount)} nodes cached\n`,
  );
  for (const text of values.strategies.split(',')) await runStrategy(cluster, manager, metricsPort, text);
} catch (error) {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
} finally {
  await manager?.stop();
  await cluster.stop();
}
