/**
 * spin-operator benchmark (prints figures beside their targets; asserts nothing). Each phase runs on a
 * fresh local cluster (etcd, kube-apiserver, controller manager, scheduler, kwok) with the SpinKube CRDs,
 * upstream's sample RuntimeClass and shim executor, and the built operator binary (no webhooks, no leader
 * election):
 * - latency: `--latency-apps` minimal SpinApps created one at a time, each after the previous one's
 *   Deployment appeared; the time from the create call returning to a watch seeing the Deployment;
 * - burst: `--apps` SpinApps created with `--in-flight` creates at once; the time from the first create
 *   to the last Deployment seen, to the last SpinApp with a status, and to the last one with a ready
 *   replica; then, once the operator has settled, its resident memory (VmRSS).
 * Alongside: CPU seconds of every process over the phase (and of the rest of the machine), the operator's
 * own metrics (reconciles, reconcile time, queue wait), the API server's requests by verb and resource, and
 * the objects watched, so a missed target says where the time went. The operator is started with the Node
 * flags and environment of its shebang, as in production.
 *
 *   node packages/operator/bench/operator.ts [--max-concurrent-reconciles 1,4] [--apps 1000]
 *     [--latency-apps 200] [--in-flight 20] [--phases latency,burst] [--timeout 600] [--cpu-prof <dir>]
 *     [--keep-logs] [--no-wait-ready]
 *
 * The benchmark's own client shares its connections to the API server (`shareConnections`, as the
 * operator's manager does), so that it is not the bottleneck.
 *
 * Exits 0 whether targets are met or not; non-zero only when the benchmark itself fails.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { CustomObjectsApi, type KubernetesObject, type V1Deployment } from '@kubernetes/client-node';
import type { SpinApp } from '@spinkube/api';
import { shareConnections } from '@spinkube/controller';
import type { TestCluster } from '@spinkube/test-cluster';
import { sample, SpinKubeApi, startBenchCluster } from './bench-cluster.ts';
import { OPERATOR_NODE_ENV, OPERATOR_NODE_FLAGS } from '../src/cli/node-flags.ts';
import { buildInfo, distBuiltAt } from './build-info.ts';
import { informerCacheSizes, type CachedType } from './cache-size.ts';
import { analyseCpuProfile } from './cpu-profile.ts';
import { watchObjects } from './object-watch.ts';
import { startBenchOperator, type BenchOperator } from './operator-process.ts';
import { cpuSeconds, machineBusySeconds, openFiles, processMemory } from './proc-stats.ts';
import { scrapeApiServerMetrics, scrapeMetrics, type Metrics } from './prometheus-text.ts';

const { values } = parseArgs({
  options: {
    'max-concurrent-reconciles': { type: 'string' },
    'latency-apps': { type: 'string', default: '200' },
    apps: { type: 'string', default: '1000' },
    'in-flight': { type: 'string', default: '20' },
    phases: { type: 'string', default: 'latency,burst' },
    timeout: { type: 'string', default: '600' },
    'cpu-prof': { type: 'string' },
    'keep-logs': { type: 'boolean', default: false },
    'wait-ready': { type: 'boolean', default: true },
  },
  allowNegative: true,
});

const Targets = { latencyP50Ms: 100, burstSeconds: 60, rssBytes: 200e6 } as const;
const CLUSTER_NAME = 'spinkube-bench-operator';
const NAMESPACE = 'bench';
/** `undefined`: run the binary with its default `--max-concurrent-reconciles`. */
const concurrencies: (number | undefined)[] = values['max-concurrent-reconciles']
  ? values['max-concurrent-reconciles'].split(',').map((v) => positive(v, '--max-concurrent-reconciles'))
  : [undefined];
const latencyApps = positive(values['latency-apps'], '--latency-apps');
const burstApps = positive(values.apps, '--apps');
const inFlight = positive(values['in-flight'], '--in-flight');
const timeoutMs = positive(values.timeout, '--timeout') * 1000;
const phases = new Set(values.phases.split(','));
const workDir = mkdtempSync(join(tmpdir(), 'spinkube-bench-operator-'));
const simpleApp = sample('simple.yaml') as SpinApp;
const build = buildInfo();

/**
 * Stops whatever is running (operator first, then cluster), on success, failure, and SIGINT/SIGTERM. Callers
 * arriving while a cleanup runs wait for that one, so the process never exits halfway through a stop.
 */
const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop())
      await cleanup().catch((error: unknown) => {
        progress(`cleanup failed: ${String(error)}`);
      });
  })().finally(() => {
    cleaning = undefined;
  });
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    progress(`${signal}: stopping the operator and the cluster`);
    void cleanUp().finally(() => process.exit(130));
  });

interface LatencyResult {
  readonly latenciesMs: number[];
  readonly createMs: number[];
  readonly window: Window;
}

interface BurstResult {
  readonly createSeconds: number;
  readonly deploymentsSeconds: number | undefined;
  readonly statusSeconds: number | undefined;
  readonly readySeconds: number | undefined;
  readonly counts: { deployments: number; statuses: number; ready: number };
  readonly rss: number;
  readonly peakRss: number;
  /** Before the first create, with the informers synced on an empty cluster. */
  readonly idleRss: number;
  /** Open file descriptors of the operator once settled, and at the start. */
  readonly openFiles: number;
  readonly idleOpenFiles: number;
  /** Resident memory of each cluster process once settled, in bytes. */
  readonly clusterRss: Map<string, number>;
  /** The objects the operator's informers watch once settled, as the API serves them. */
  readonly cached: CachedType[];
  readonly settledMetrics: Metrics;
  readonly window: Window;
  readonly fullWindow: Window;
}

/** CPU seconds and operator metrics over a stretch of a phase. */
interface Window {
  readonly seconds: number;
  /** By process, plus what the rest of the machine used (other work sharing the cores). */
  readonly cpu: Map<string, number>;
  readonly metrics: Metrics;
  /** The API server's request counters over the window (every client's requests). */
  readonly apiServer: Metrics;
}

interface RunResult {
  readonly concurrency: number | undefined;
  latency?: LatencyResult;
  burst?: BurstResult;
}

const results: RunResult[] = [];
let exitCode = 0;
try {
  printContext();
  for (const concurrency of concurrencies) {
    const run: RunResult = { concurrency };
    results.push(run);
    console.log(`\n== ${flagText(concurrency)} ==`);
    if (phases.has('latency'))
      run.latency = await withSetup(concurrency, 'latency', (setup) => latencyPhase(setup));
    if (phases.has('burst')) run.burst = await withSetup(concurrency, 'burst', (setup) => burstPhase(setup));
  }
  printSummary();
} catch (error) {
  exitCode = 1;
  console.error(
    `\nbenchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
} finally {
  await cleanUp();
  if (exitCode === 0 && !values['keep-logs']) rmSync(workDir, { recursive: true, force: true });
  else console.error(`operator and cluster logs kept in ${workDir}`);
}
process.exit(exitCode);

interface Setup {
  readonly cluster: TestCluster;
  readonly operator: BenchOperator;
  readonly objects: CustomObjectsApi;
}

/** A fresh cluster and operator for one phase, both stopped when it ends however it ends. */
async function withSetup<T>(
  concurrency: number | undefined,
  phase: string,
  body: (setup: Setup) => Promise<T>,
): Promise<T> {
  progress(`${phase}: starting cluster ${CLUSTER_NAME}`);
  if (distBuiltAt() !== build.builtAt)
    console.log(
      `\n  WARNING: the operator was rebuilt since the run started; the ${phase} phase measures another build`,
    );
  // kwok's fake nodes take 110 pods each: enough nodes for every app's pod, with room to spare.
  const nodes = Math.max(2, Math.ceil((phase === 'burst' ? burstApps : latencyApps) / 100));
  const cluster = await startBenchCluster(CLUSTER_NAME, NAMESPACE, nodes);
  const name = `${phase}-${concurrency === undefined ? 'default' : String(concurrency)}`;
  cleanups.push(async () => {
    cpSync(join(cluster.dataDir, 'logs'), join(workDir, `cluster-${name}`), { recursive: true });
    await cluster.stop();
  });
  const profileDir = values['cpu-prof'] ? join(values['cpu-prof'], name) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const operator = await startBenchOperator({
    kubeconfigPath: cluster.kubeconfigPath,
    logFile: join(workDir, `operator-${name}.log`),
    ...(concurrency === undefined ? {} : { maxConcurrentReconciles: concurrency }),
    ...(profileDir ? { cpuProfileDir: profileDir } : {}),
  });
  cleanups.push(() => operator.stop());
  progress(`${phase}: operator ready (pid ${String(operator.pid)})`);
  try {
    shareConnections(cluster.kubeConfig);
    return await body({ cluster, operator, objects: cluster.kubeConfig.makeApiClient(CustomObjectsApi) });
  } catch (error) {
    throw new Error(
      `${phase} phase: ${error instanceof Error ? error.message : String(error)}\n${operator.logTail()}`,
      {
        cause: error,
      },
    );
  } finally {
    await cleanUp();
    if (profileDir) printProfile(profileDir);
  }
}

async function latencyPhase({ cluster, operator, objects }: Setup): Promise<LatencyResult> {
  const seen = new Map<string, number>();
  const failure = failureSignal(operator);
  const watch = await watchObjects<V1Deployment>(
    cluster.kubeConfig,
    `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`,
    (type, deployment, at) => {
      const name = deployment.metadata?.name ?? '';
      if (type === 'ADDED' && !seen.has(name)) seen.set(name, at);
    },
    failure.fail,
  );
  try {
    const start = await mark(cluster, operator);
    const latenciesMs: number[] = [];
    const createMs: number[] = [];
    for (let i = 1; i <= latencyApps; i++) {
      const name = appName(i);
      const called = performance.now();
      await createApp(objects, name);
      const returned = performance.now();
      await until(() => seen.has(name), 30_000, failure, `the Deployment of ${name}`);
      latenciesMs.push(Math.max(0, (seen.get(name) ?? returned) - returned));
      createMs.push(returned - called);
      if (i % 50 === 0) progress(`latency: ${String(i)}/${String(latencyApps)}`);
    }
    const window = await measure(cluster, operator, start);
    printLatency({ latenciesMs, createMs, window });
    return { latenciesMs, createMs, window };
  } finally {
    watch.stop();
  }
}

async function burstPhase({ cluster, operator, objects }: Setup): Promise<BurstResult> {
  const deployments = new Map<string, number>();
  const statuses = new Map<string, number>();
  const ready = new Map<string, number>();
  const failure = failureSignal(operator);
  const watches = [
    await watchObjects<V1Deployment>(
      cluster.kubeConfig,
      `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`,
      (type, deployment, at) => {
        const name = deployment.metadata?.name ?? '';
        if (type === 'ADDED' && !deployments.has(name)) deployments.set(name, at);
      },
      failure.fail,
    ),
    await watchObjects<SpinApp & KubernetesObject>(
      cluster.kubeConfig,
      `/apis/${SpinKubeApi.group}/${SpinKubeApi.version}/namespaces/${NAMESPACE}/spinapps`,
      (type, app, at) => {
        const name = app.metadata?.name ?? '';
        if (type === 'DELETED') return;
        if (app.status?.activeScheduler && !statuses.has(name)) statuses.set(name, at);
        if ((app.status?.readyReplicas ?? 0) >= (app.spec?.replicas ?? 1) && !ready.has(name))
          ready.set(name, at);
      },
      failure.fail,
    ),
  ];
  try {
    const idleRss = processMemory(operator.pid).rss;
    const idleOpenFiles = openFiles(operator.pid);
    const start = await mark(cluster, operator);
    const began = performance.now();
    let next = 1;
    let created = 0;
    const creator = async () => {
      for (let i = next++; i <= burstApps; i = next++) {
        await createApp(objects, appName(i));
        created++;
      }
    };
    const reporter = setInterval(() => {
      progress(
        `burst: ${String(created)} created, ${String(deployments.size)} Deployments, ` +
          `${String(statuses.size)} statuses, ${String(ready.size)} ready`,
      );
    }, 5000);
    try {
      await Promise.all(Array.from({ length: Math.min(inFlight, burstApps) }, creator));
      const createSeconds = (performance.now() - began) / 1000;
      const deadline = began + timeoutMs;
      const reached = (stamps: Map<string, number>) =>
        stamps.size >= burstApps ? (Math.max(...stamps.values()) - began) / 1000 : undefined;
      const reconciled = () => deployments.size >= burstApps && statuses.size >= burstApps;
      await until(reconciled, deadline - performance.now(), failure, '', false);
      const window = await measure(cluster, operator, start);
      if (values['wait-ready'])
        await until(() => ready.size >= burstApps, deadline - performance.now(), failure, '', false);
      clearInterval(reporter);
      progress('burst: waiting for the operator to settle');
      const settledMetrics = await settle(operator, failure);
      const fullWindow = await measure(cluster, operator, start);
      const memory = processMemory(operator.pid);
      const clusterRss = new Map(cluster.processes().map((p) => [p.name, processMemory(p.pid).rss]));
      const result: BurstResult = {
        createSeconds,
        deploymentsSeconds: reached(deployments),
        statusSeconds: reached(statuses),
        readySeconds: reached(ready),
        counts: { deployments: deployments.size, statuses: statuses.size, ready: ready.size },
        rss: memory.rss,
        peakRss: memory.peakRss,
        idleRss,
        openFiles: openFiles(operator.pid),
        idleOpenFiles,
        clusterRss,
        cached: await informerCacheSizes(cluster.kubeConfig),
        settledMetrics,
        window,
        fullWindow,
      };
      printBurst(result);
      return result;
    } finally {
      clearInterval(reporter);
    }
  } finally {
    for (const watch of watches) watch.stop();
  }
}

/** Waits until the operator's queues are empty and no reconcile has finished for 5 s (at most 120 s). */
async function settle(operator: BenchOperator, failure: FailureSignal): Promise<Metrics> {
  const quietMs = 5000;
  const deadline = performance.now() + 120_000;
  let last = await scrapeMetrics(operator.metricsUrl);
  let quietSince = performance.now();
  for (;;) {
    failure.check();
    await sleep(500);
    const now = await scrapeMetrics(operator.metricsUrl);
    const busy =
      now.sum('workqueue_depth') > 0 ||
      now.sum('controller_runtime_active_workers') > 0 ||
      now.sum('controller_runtime_reconcile_total') !== last.sum('controller_runtime_reconcile_total');
    if (busy) quietSince = performance.now();
    last = now;
    if (performance.now() - quietSince >= quietMs || performance.now() > deadline) return now;
  }
}

interface Mark {
  readonly at: number;
  readonly cpu: Map<string, number>;
  /** Busy CPU seconds of the whole machine. */
  readonly machine: number;
  readonly apiServer: Metrics;
  readonly metrics: Metrics;
}

/** CPU seconds of every process that matters, and the operator's metrics, now. */
async function mark(cluster: TestCluster, operator: BenchOperator): Promise<Mark> {
  const cpu = new Map<string, number>();
  cpu.set('spin-operator', cpuSeconds(operator.pid));
  for (const p of cluster.processes()) cpu.set(p.name, cpuSeconds(p.pid));
  const own = process.cpuUsage();
  cpu.set('benchmark (client, watches)', (own.user + own.system) / 1e6);
  return {
    at: performance.now(),
    cpu,
    machine: machineBusySeconds(),
    metrics: await scrapeMetrics(operator.metricsUrl),
    apiServer: await scrapeApiServerMetrics(cluster.kubeConfig),
  };
}

async function measure(cluster: TestCluster, operator: BenchOperator, start: Mark): Promise<Window> {
  const end = await mark(cluster, operator);
  const cpu = new Map([...end.cpu].map(([name, seconds]) => [name, seconds - (start.cpu.get(name) ?? 0)]));
  const accounted = [...cpu.values()].reduce((sum, s) => sum + s, 0);
  cpu.set('(other processes on the machine)', Math.max(0, end.machine - start.machine - accounted));
  return {
    seconds: (end.at - start.at) / 1000,
    cpu,
    metrics: end.metrics.since(start.metrics),
    apiServer: end.apiServer.since(start.apiServer),
  };
}

interface FailureSignal {
  readonly fail: (error: unknown) => void;
  /** Throws if a watch failed or the operator exited. */
  check(): void;
}

function failureSignal(operator: BenchOperator): FailureSignal {
  let failed: unknown;
  return {
    fail: (error) => {
      failed ??= error;
    },
    check: () => {
      if (failed !== undefined) throw failed instanceof Error ? failed : new Error(JSON.stringify(failed));
      if (operator.exitStatus !== undefined)
        throw new Error(`spin-operator exited (${operator.exitStatus}):\n${operator.logTail()}`);
    },
  };
}

/** Polls `done`; past `timeoutMs` it throws (`required`) or returns quietly, leaving partial figures. */
async function until(
  done: () => boolean,
  timeoutMs: number,
  failure: FailureSignal,
  what: string,
  required = true,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    failure.check();
    if (performance.now() > deadline) {
      if (required)
        throw new Error(`timed out after ${String(Math.round(timeoutMs))} ms waiting for ${what}`);
      return;
    }
    await sleep(2);
  }
}

async function createApp(objects: CustomObjectsApi, name: string): Promise<void> {
  await objects.createNamespacedCustomObject({
    ...SpinKubeApi,
    plural: 'spinapps',
    namespace: NAMESPACE,
    body: { ...simpleApp, metadata: { name, namespace: NAMESPACE } },
  });
}

function appName(i: number): string {
  return `bench-${String(i).padStart(4, '0')}`;
}

// ---- output ------------------------------------------------------------------------------------------

function printContext(): void {
  const model = cpus()[0]?.model.trim() ?? 'unknown CPU';
  console.log('spin-operator benchmark');
  console.log(`  date      ${new Date().toISOString()}`);
  console.log(
    `  machine   ${String(availableParallelism())} cores (${model}), ${gib(totalmem())} RAM, Linux ${release()}, Node ${process.version}`,
  );
  console.log(
    '  cluster   local: etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok (a fake node per 100 apps),\n' +
      '            sharing those cores with the operator and this client; a fresh cluster per phase',
  );
  console.log(
    `  operator  commit ${build.commit}${build.modified.length > 0 ? ` with uncommitted changes in ${build.modified.map((p) => `packages/${p}/src`).join(', ')}` : ''}, ` +
      `dist built ${new Date(build.builtAt).toISOString()}; no webhooks, no leader election;\n` +
      `            started as its shebang starts it: ${Object.entries(OPERATOR_NODE_ENV)
        .map(([name, value]) => `${name}=${value}`)
        .join(' ')} node ${OPERATOR_NODE_FLAGS.join(' ')}`,
  );
  console.log(
    `  phases    ${[...phases].join(', ')}; ${String(latencyApps)} apps one at a time, ${String(burstApps)} in a burst ` +
      `with ${String(inFlight)} creates in flight; SpinApp: upstream's simple.yaml`,
  );
}

function printLatency({ latenciesMs, createMs, window }: LatencyResult): void {
  const p50 = percentile(latenciesMs, 0.5);
  console.log(`\ncreate → Deployment seen, ${String(latenciesMs.length)} apps one at a time:`);
  console.log(
    `  p50        ${ms(p50)}   (target ≤ ${String(Targets.latencyP50Ms)} ms: ${verdict(p50 <= Targets.latencyP50Ms)})`,
  );
  console.log(`  p90        ${ms(percentile(latenciesMs, 0.9))}`);
  console.log(`  p99        ${ms(percentile(latenciesMs, 0.99))}`);
  console.log(`  max        ${ms(Math.max(...latenciesMs))}`);
  console.log(
    `  create call p50 ${ms(percentile(createMs, 0.5)).trim()}, p99 ${ms(percentile(createMs, 0.99)).trim()}`,
  );
  printWindow(window, latenciesMs.length);
}

function printBurst(result: BurstResult): void {
  const { counts } = result;
  console.log(`\n${String(burstApps)} SpinApps created in a burst (${String(inFlight)} creates in flight):`);
  console.log(
    `  client creates          ${seconds(result.createSeconds)}   (${(burstApps / result.createSeconds).toFixed(0)} creates/s)`,
  );
  console.log(
    `  last Deployment seen    ${reachedText(result.deploymentsSeconds, counts.deployments)}   (target ≤ ${String(Targets.burstSeconds)} s: ${verdict(result.deploymentsSeconds !== undefined && result.deploymentsSeconds <= Targets.burstSeconds)})`,
  );
  console.log(
    `  last status written     ${reachedText(result.statusSeconds, counts.statuses)}   (target ≤ ${String(Targets.burstSeconds)} s: ${verdict(result.statusSeconds !== undefined && result.statusSeconds <= Targets.burstSeconds)})`,
  );
  console.log(
    `  last app ready          ${values['wait-ready'] || result.readySeconds !== undefined ? reachedText(result.readySeconds, counts.ready) : 'not waited for'}   (status.readyReplicas = 1: needs the controller manager, scheduler and kwok too)`,
  );
  console.log(
    `  operator RSS, settled   ${mb(result.rss)}   (target ≤ ${mb(Targets.rssBytes).trim()}: ${verdict(result.rss <= Targets.rssBytes)}); peak ${mb(result.peakRss).trim()}; ` +
      `at 0 apps ${mb(result.idleRss).trim()}`,
  );
  const settled = result.settledMetrics;
  console.log(
    `  operator heap, settled  V8 heap ${mb(settled.sum('nodejs_heap_size_used_bytes')).trim()} used of ` +
      `${mb(settled.sum('nodejs_heap_size_total_bytes')).trim()}, external ${mb(settled.sum('nodejs_external_memory_bytes')).trim()}`,
  );
  console.log(
    `  operator open files     ${String(result.openFiles)} settled, ${String(result.idleOpenFiles)} at 0 apps (sockets to the API server among them)`,
  );
  const cachedTotal = result.cached.reduce((sum, c) => sum + c.jsonBytes, 0);
  const managedTotal = result.cached.reduce((sum, c) => sum + c.managedFieldsBytes, 0);
  console.log(
    `  watched objects         ${mb(cachedTotal).trim()} of JSON as the API serves them (${((100 * managedTotal) / cachedTotal).toFixed(0)}% managedFields): ` +
      result.cached
        .filter((c) => c.count > 0)
        .map((c) => `${String(c.count)} ${c.kind} ${mb(c.jsonBytes).trim()}`)
        .join(', '),
  );
  console.log(
    `  cluster RSS, settled    ${[...result.clusterRss].map(([name, rss]) => `${name} ${mb(rss).trim()}`).join(', ')}`,
  );
  console.log(`\n  until the last Deployment and status (${seconds(result.window.seconds).trim()}):`);
  printWindow(result.window, burstApps);
  console.log(`\n  whole phase, until settled (${seconds(result.fullWindow.seconds).trim()}):`);
  printWindow(result.fullWindow, burstApps);
}

/** CPU by process, and what the operator's metrics say about its reconciles, over a window. */
function printWindow({ seconds: wall, cpu, metrics, apiServer }: Window, apps: number): void {
  const cores = availableParallelism();
  const total = [...cpu.values()].reduce((sum, s) => sum + s, 0);
  console.log(
    `  CPU over ${wall.toFixed(1)} s (${String(cores)} cores = ${(cores * wall).toFixed(1)} CPU-s available, ${total.toFixed(1)} used):`,
  );
  for (const [name, used] of [...cpu].sort(([, a], [, b]) => b - a))
    console.log(
      `    ${name.padEnd(28)} ${used.toFixed(1).padStart(6)} CPU-s  ${((100 * used) / wall).toFixed(0).padStart(4)}% of a core`,
    );
  const spinapp = { controller: 'spinapp' };
  const reconciles = metrics.sum('controller_runtime_reconcile_total', spinapp);
  const errors = metrics.sum('controller_runtime_reconcile_total', { ...spinapp, result: 'error' });
  const busySeconds = metrics.sum('controller_runtime_reconcile_time_seconds_sum', spinapp);
  const workers = metrics.sum('controller_runtime_max_concurrent_reconciles', spinapp);
  console.log(
    `  spinapp controller: ${String(reconciles)} reconciles (${(reconciles / apps).toFixed(1)} per app, ${String(errors)} errors), ` +
      `${(reconciles / wall).toFixed(0)}/s`,
  );
  console.log(
    `    reconcile time  mean ${ms(1000 * metrics.mean('controller_runtime_reconcile_time_seconds', spinapp)).trim()}, ` +
      `p50 ~${ms(1000 * metrics.quantile('controller_runtime_reconcile_time_seconds', 0.5, spinapp)).trim()}, ` +
      `p99 ~${ms(1000 * metrics.quantile('controller_runtime_reconcile_time_seconds', 0.99, spinapp)).trim()}; ` +
      `workers busy ${((100 * busySeconds) / (wall * Math.max(workers, 1))).toFixed(0)}% of ${String(workers)} × ${wall.toFixed(1)} s`,
  );
  console.log(
    `    queue           ${String(metrics.sum('workqueue_adds_total', { name: 'spinapp' }))} adds, ` +
      `wait mean ${ms(1000 * metrics.mean('workqueue_queue_duration_seconds', { name: 'spinapp' })).trim()}, ` +
      `${String(metrics.sum('workqueue_retries_total', { name: 'spinapp' }))} retries; ` +
      `operator event-loop lag p99 ${ms(1000 * metrics.sum('nodejs_eventloop_lag_p99_seconds')).trim()} (at the end)`,
  );
  const requests = apiServer.groupBy('apiserver_request_total', ['verb', 'resource', 'subresource']);
  const requestCount = requests.reduce((sum, r) => sum + r.value, 0);
  console.log(
    `  API server requests (every client): ${String(requestCount)}, ${(requestCount / wall).toFixed(0)}/s; ` +
      requests
        .slice(0, 8)
        .map((r) => `${r.key} ${String(r.value)}`)
        .join(', '),
  );
}

function printProfile(dir: string): void {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) {
    console.log(`  (no CPU profile written in ${dir})`);
    return;
  }
  const profile = analyseCpuProfile(join(dir, file));
  const busy = profile.totalMs - (profile.byOrigin.find((o) => o.origin === '(idle)')?.ms ?? 0);
  console.log(
    `\n  operator CPU profile (${join(dir, file)}): ${seconds(busy / 1000).trim()} busy of ${seconds(profile.totalMs / 1000).trim()}`,
  );
  console.log('    self time by origin:');
  for (const { origin, ms: spent } of profile.byOrigin.filter((o) => o.origin !== '(idle)').slice(0, 12))
    console.log(
      `      ${origin.padEnd(40)} ${(spent / 1000).toFixed(1).padStart(6)} s  ${((100 * spent) / busy).toFixed(0).padStart(3)}%`,
    );
  console.log('    hottest functions (self time):');
  for (const { name, ms: spent } of profile.byFunction.filter((f) => f.origin !== '(idle)').slice(0, 15))
    console.log(`      ${(spent / 1000).toFixed(2).padStart(6)} s  ${name}`);
}

function printSummary(): void {
  const columns = results.map((r) => flagText(r.concurrency));
  const width = Math.max(14, ...columns.map((c) => c.length));
  const row = (label: string, cells: string[], target: string) => {
    console.log(`  ${label.padEnd(34)} ${cells.map((c) => c.padStart(width)).join(' ')}   ${target}`);
  };
  console.log('\nsummary (measured vs target):');
  row('', columns, 'target');
  if (phases.has('latency')) {
    row(
      'create → Deployment p50',
      results.map((r) =>
        met(r.latency && percentile(r.latency.latenciesMs, 0.5), Targets.latencyP50Ms, 'ms'),
      ),
      `≤ ${String(Targets.latencyP50Ms)} ms`,
    );
    row(
      'create → Deployment p99',
      results.map((r) => fixed(r.latency && percentile(r.latency.latenciesMs, 0.99), 'ms')),
      '',
    );
  }
  if (phases.has('burst')) {
    const n = String(burstApps);
    row(
      `${n} apps: client creates`,
      results.map((r) => fixed(r.burst?.createSeconds, 's', 1)),
      '',
    );
    row(
      `${n} apps: last Deployment`,
      results.map((r) => met(r.burst?.deploymentsSeconds, Targets.burstSeconds, 's', 1)),
      `≤ ${String(Targets.burstSeconds)} s`,
    );
    row(
      `${n} apps: last status written`,
      results.map((r) => met(r.burst?.statusSeconds, Targets.burstSeconds, 's', 1)),
      `≤ ${String(Targets.burstSeconds)} s`,
    );
    row(
      `${n} apps: last app ready`,
      results.map((r) => fixed(r.burst?.readySeconds, 's', 1)),
      '',
    );
    row(
      `operator RSS at ${n} apps`,
      results.map((r) => met(r.burst && r.burst.rss / 1e6, Targets.rssBytes / 1e6, 'MB')),
      `≤ ${String(Targets.rssBytes / 1e6)} MB`,
    );
  }
}

function met(value: number | undefined, target: number, unit: string, digits = 0): string {
  if (value === undefined) return 'not reached ✗';
  return `${fixed(value, unit, digits)} ${value <= target ? '✓' : '✗'}`;
}

function fixed(value: number | undefined, unit: string, digits = 0): string {
  return value === undefined ? 'not reached' : `${value.toFixed(digits)} ${unit}`;
}

function reachedText(value: number | undefined, count: number): string {
  return value === undefined
    ? `not reached (${String(count)}/${String(burstApps)} in ${String(timeoutMs / 1000)} s)`
    : seconds(value);
}

function verdict(ok: boolean): string {
  return ok ? 'met' : 'MISSED';
}

/** Nearest-rank percentile. */
function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

function flagText(concurrency: number | undefined): string {
  return concurrency === undefined
    ? 'binary default concurrency'
    : `--max-concurrent-reconciles=${String(concurrency)}`;
}

function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 1 : 0).padStart(6)} ms`;
}

function seconds(value: number): string {
  return `${value.toFixed(1).padStart(6)} s`;
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0).padStart(5)} MB`;
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

function positive(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new Error(`${flag} must be a positive integer, not "${value}"`);
  return number;
}

function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}
