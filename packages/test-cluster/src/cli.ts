#!/usr/bin/env node
/**
 * `npm run cluster -- up|down|status`: a long-lived local cluster for people (tests start their own).
 * `up` prints `KUBECONFIG=<path>` and reuses a healthy cluster; `down` stops it by PID and removes its data.
 */
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { startKindCluster, stopKindCluster } from './kind/kind-cluster.js';
import { runningLocalCluster, startLocalCluster, stopLocalCluster } from './local/local-cluster.js';
import { readState } from './local/state.js';
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
  .option('--nodes <count>', 'number of kwok nodes (local provider)', '2')
  .action(async (options: { nodes: string }) => {
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
      process.stdout.write(`KUBECONFIG=${running.kubeconfigPath}\n`);
      return;
    }
    // Whatever an earlier, crashed run left behind is stopped by PID and cleared.
    const stale = readState(dataDir);
    if (stale) await stopLocalCluster(stale);
    const started = performance.now();
    const nodes = Number.parseInt(options.nodes, 10);
    const state = await startLocalCluster({ name, dataDir, nodes, log: progress });
    progress(`started in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    process.stdout.write(`KUBECONFIG=${state.kubeconfigPath}\n`);
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
    process.stdout.write(`${name}: running at ${running.server}\nKUBECONFIG=${running.kubeconfigPath}\n`);
    for (const p of running.processes)
      process.stdout.write(`  ${p.name.padEnd(24)} pid ${String(p.pid)}  log ${p.logFile}\n`);
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
