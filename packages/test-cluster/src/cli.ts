#!/usr/bin/env node
/**
 * `npm run cluster -- up|down|status`: a long-lived local cluster for people (tests start their own).
 * `up` prints `KUBECONFIG=<path>` and reuses a healthy cluster; `down` stops it by PID and removes its data.
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { startKindCluster, stopKindCluster } from './kind/kind-cluster.js';
import { runningLocalCluster, startLocalCluster, stopLocalCluster } from './local/local-cluster.js';
import { readState, type LocalClusterState } from './local/state.js';
import { cacheRoot } from './provision/tool-cache.js';

const progress = (line: string) => process.stderr.write(`${line}\n`);
const clusterDir = (name: string) => join(cacheRoot(), 'clusters', name);

const program = new Command('spinkube-test-cluster')
  .description('Start, inspect and stop a real Kubernetes cluster for SpinKube development')
  .addOption(
    new Option('--provider <provider>', 'local binaries + kwok, or kind')
      .choices(['local', 'kind'])
      .default('local'),
  )
  .option('--name <name>', 'cluster name', 'spinkube')
  .showHelpAfterError();

program
  .command('up')
  .description('start the cluster, or reuse it if it is already running; prints KUBECONFIG=<path>')
  .option('--nodes <count>', 'number of kwok nodes (local provider; default 2, or 0 with --real-node)')
  .option('--real-node', 'add a real node: kubelet, containerd with CRI, kube-proxy, CoreDNS (root)', false)
  .addOption(
    new Option('--containerd <line>', "the real node's containerd: pinned v1.7, v2.2, or Debian's 1.6")
      .choices(['v1', 'v2', 'debian'])
      .default('v2'),
  )
  .option(
    '--shim <path>',
    'containerd-shim-spin-v2 to register as handler spin-v2 (default: the packaged shim of this checkout, if built)',
  )
  .option(
    '--no-shim',
    'no Spin shim and no RuntimeClass: runc only, for the runtime-class-manager to install it',
  )
  .action(async (options: UpOptions) => {
    const { provider, name } = program.opts<{ provider: 'local' | 'kind'; name: string }>();
    if (provider === 'kind') {
      const state = await startKindCluster({ name, dataDir: clusterDir(`kind-${name}`), log: progress });
      process.stdout.write(`KUBECONFIG=${state.kubeconfigPath}\n`);
      return;
    }
    const dataDir = clusterDir(name);
    const running = await runningLocalCluster(dataDir);
    if (running) {
      progress(`cluster ${name} is already running at ${running.server}`);
      printAddresses(running);
      return;
    }
    // Whatever an earlier, crashed run left behind is stopped by PID and cleared.
    const stale = readState(dataDir);
    if (stale) await stopLocalCluster(stale);
    const started = performance.now();
    const nodes = options.nodes === undefined ? undefined : parseCount(options.nodes);
    const shim = options.realNode && options.shim !== false ? (options.shim ?? builtShim()) : undefined;
    if (options.realNode && options.shim === undefined && !shim)
      progress(`no Spin shim at ${PACKAGED_SHIM} (npx nx run shim:package): the node runs runc pods only`);
    const state = await startLocalCluster({
      name,
      dataDir,
      ...(nodes === undefined ? {} : { nodes }),
      ...(options.realNode
        ? { realNode: { containerd: options.containerd, ...(shim ? { shim } : {}) } }
        : {}),
      log: progress,
    });
    progress(`started in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    printAddresses(state);
  });

program
  .command('down')
  .description('stop every process of the cluster and remove its data')
  .action(async () => {
    const { provider, name } = program.opts<{ provider: 'local' | 'kind'; name: string }>();
    if (provider === 'kind') {
      await stopKindCluster({ name, dataDir: clusterDir(`kind-${name}`) });
      return;
    }
    const state = readState(clusterDir(name));
    if (!state) {
      progress(`no cluster named ${name}`);
      return;
    }
    await stopLocalCluster(state);
    progress(`stopped ${String(state.processes.length)} processes and removed ${state.dataDir}`);
  });

program
  .command('status')
  .description('say whether the cluster is running; exit 1 if not')
  .action(async () => {
    const { name } = program.opts<{ name: string }>();
    const running = await runningLocalCluster(clusterDir(name));
    if (!running) {
      process.stdout.write(`${name}: not running\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(`${name}: running at ${running.server}\n`);
    printAddresses(running);
    if (running.node)
      process.stdout.write(
        `  node ${running.node.name} at ${running.node.network.nodeAddress}, containerd ${running.node.containerd.version}, pods ${running.node.network.podCidr}\n` +
          `  node's /etc/containerd ${running.node.nodeRoot.etcContainerd}, /opt/rcm ${running.node.nodeRoot.optRcm}\n`,
      );
    for (const p of running.processes)
      process.stdout.write(`  ${p.name.padEnd(24)} pid ${String(p.pid)}  log ${p.logFile}\n`);
  });

interface UpOptions {
  readonly nodes?: string;
  readonly realNode: boolean;
  readonly containerd: 'v1' | 'v2' | 'debian';
  /** A path, `false` with `--no-shim`, absent for the packaged shim if built. */
  readonly shim?: string | false;
}

/** The packaged shim of this checkout (test-cluster is private and lives in the monorepo). */
const PACKAGED_SHIM = fileURLToPath(new URL('../../shim/dist/containerd-shim-spin-v2', import.meta.url));

function builtShim(): string | undefined {
  return existsSync(PACKAGED_SHIM) ? PACKAGED_SHIM : undefined;
}

function parseCount(value: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0)
    throw new InvalidArgumentError(`--nodes must be a whole number ≥ 0, not "${value}"`);
  return count;
}

/** What a shell can `eval` or `export`: the kubeconfig, and the real node's registry. */
function printAddresses(state: LocalClusterState): void {
  process.stdout.write(`KUBECONFIG=${state.kubeconfigPath}\n`);
  if (state.node) process.stdout.write(`REGISTRY=${state.node.registry}\n`);
}

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
