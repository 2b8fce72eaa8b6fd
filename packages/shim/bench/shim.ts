/**
 * Shim benchmark (prints figures beside their targets and the container baseline; asserts nothing).
 *
 *   node packages/shim/bench/shim.ts [--runs 5] [--apps 10] [--sea]
 *
 * On a private Debian containerd, each app in its own network namespace:
 *  - time from `ctr run -d` to the first HTTP 200: the Spin shim with a cold cache (first start of the image:
 *    the node server starts, layers are read from the content store, the component is transpiled and
 *    compiled), with a warm cache while the node server runs (the usual case on a node with Spin pods), and
 *    with a warm cache when the server has to start first; against runc running the same hello response
 *    in `node` (the container baseline);
 *  - memory per additional running app: PSS (and RSS) of everything the apps add (the shim server; for runc
 *    each container's node process and its containerd-shim-runc-v2), measured at 1 and at 1 + --apps apps.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startContainerd } from '../test/containerd/containerd-process.ts';
import { createNetns, type Netns } from '../test/containerd/netns.ts';
import { listProcesses } from '../test/containerd/process-table.ts';
import { exampleApp } from '../test/images/example-apps.ts';
import { nodeBaselineRootfs } from '../test/images/node-baseline-rootfs.ts';
import { importSpinArtifact } from '../test/images/spin-artifact-image.ts';
import { shimDir, shimProcesses } from '../test/support/shim-under-test.ts';
import { artifactRunArgs } from '../test/support/spin-run.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    apps: { type: 'string', default: '10' },
    sea: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const extraApps = Number(values.apps);
const IMAGE = 'localhost:5000/bench/tiny-hello:v1';
const SEA = join(import.meta.dirname, '..', 'dist', 'containerd-shim-spin-v2');

const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

const dir = `/tmp/spinkube-shim-bench-${String(process.pid)}`;
const dataDir = join(dir, 'data');
const binDir = join(dir, 'bin');
if (values.sea) {
  if (!existsSync(SEA)) throw new Error(`${SEA} is missing: npx nx run shim:package`);
  await mkdir(binDir, { recursive: true });
  await rm(join(binDir, 'containerd-shim-spin-v2'), { force: true });
  await symlink(SEA, join(binDir, 'containerd-shim-spin-v2'));
} else {
  await shimDir(binDir);
}
const containerd = await startContainerd({
  shimDir: binDir,
  env: { SPINKUBE_SHIM_DATA_DIR: dataDir, SPINKUBE_SHIM_SOCKET_DIR: join(dir, 's') },
});
const namespaces: Netns[] = [];
let counter = 0;

try {
  progress('importing the Spin artifact and building the node baseline rootfs');
  await importSpinArtifact(containerd, exampleApp('tiny-hello'), IMAGE);
  const baseline = await nodeBaselineRootfs(join(dir, 'baseline'));

  const spin = async (): Promise<{ id: string; ms: number; netns: Netns }> => {
    const id = `spin-${String(++counter)}`;
    const netns = await newNetns();
    const ms = await timeToFirst200(netns, 80, await artifactRunArgs(containerd, netns.path, id, IMAGE, dir));
    return { id, ms, netns };
  };
  const runc = async (): Promise<{ id: string; ms: number; netns: Netns }> => {
    const id = `runc-${String(++counter)}`;
    const netns = await newNetns();
    const ms = await timeToFirst200(netns, 80, [
      'run',
      '-d',
      '--rootfs',
      '--with-ns',
      `network:${netns.path}`,
      '--fifo-dir',
      containerd.fifoDir,
      '--runc-root',
      containerd.runcRoot,
      baseline.rootfs,
      id,
      ...baseline.args,
    ]);
    return { id, ms, netns };
  };

  progress('Spin shim, cold cache');
  const cold: number[] = [];
  for (let run = 0; run < runs; run++) {
    await rm(join(dataDir, 'cache'), { recursive: true, force: true });
    const app = await spin();
    cold.push(app.ms);
    await stop(app.id);
    await serverGone();
  }
  progress('Spin shim, warm cache, server not running');
  const warmFresh: number[] = [];
  for (let run = 0; run < runs; run++) {
    const app = await spin();
    warmFresh.push(app.ms);
    await stop(app.id);
    await serverGone();
  }
  progress('Spin shim, warm cache, server running');
  const keeper = await spin();
  const warm: number[] = [];
  for (let run = 0; run < runs; run++) {
    const app = await spin();
    warm.push(app.ms);
    await stop(app.id);
  }
  progress('runc + node');
  const container: number[] = [];
  for (let run = 0; run < runs; run++) {
    const app = await runc();
    container.push(app.ms);
    await stop(app.id);
  }

  progress(`memory: 1 app, then ${String(1 + extraApps)} apps of each kind`);
  const spinOne = memory(shimServers());
  const spinIds = [keeper.id];
  for (let index = 0; index < extraApps; index++) spinIds.push((await spin()).id);
  await exercise(namespaces.slice(-extraApps));
  const spinMany = memory(shimServers());
  const runcIds = [(await runc()).id];
  const runcOne = memory(runcProcesses(runcIds));
  for (let index = 0; index < extraApps; index++) runcIds.push((await runc()).id);
  await exercise(namespaces.slice(-extraApps));
  const runcMany = memory(runcProcesses(runcIds));

  const median = (values: readonly number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  const ms = (values: readonly number[]) =>
    `${median(values).toFixed(0)} ms (min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)})`;
  const perApp = (one: Memory, many: Memory, key: keyof Memory) => (many[key] - one[key]) / extraApps / 1024;
  const rows: [string, string, string, string][] = [
    ['`ctr run` → first 200, cold cache', ms(cold), '—', '—'],
    ['`ctr run` → first 200, warm cache, server running', ms(warm), ms(container), '≤ 300 ms'],
    ['`ctr run` → first 200, warm cache, server starting', ms(warmFresh), ms(container), '≤ 300 ms'],
    [
      'memory per additional app (PSS)',
      `${perApp(spinOne, spinMany, 'pss').toFixed(1)} MB`,
      `${perApp(runcOne, runcMany, 'pss').toFixed(1)} MB`,
      '≤ 15 MB',
    ],
    [
      'memory per additional app (RSS)',
      `${perApp(spinOne, spinMany, 'rss').toFixed(1)} MB`,
      `${perApp(runcOne, runcMany, 'rss').toFixed(1)} MB`,
      '—',
    ],
    [
      'memory with one app (PSS)',
      `${(spinOne.pss / 1024).toFixed(1)} MB`,
      `${(runcOne.pss / 1024).toFixed(1)} MB`,
      '—',
    ],
  ];
  console.log(
    `\nshim benchmark: examples/tiny-hello, ${String(runs)} runs each, median (min, max); ${values.sea ? 'single executable' : 'dist/main.js on node'}; ${String(extraApps)} additional apps for memory\n`,
  );
  console.log('| figure | Spin shim | runc + node (baseline) | target |');
  console.log('| --- | --- | --- | --- |');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
} finally {
  await containerd.stop().catch((error: unknown) => {
    progress(`stopping containerd: ${String(error)}`);
  });
  await Promise.all(namespaces.map((netns) => netns.remove()));
  await rm(dir, { recursive: true, force: true });
}

async function newNetns(): Promise<Netns> {
  const netns = await createNetns();
  namespaces.push(netns);
  return netns;
}

/** Starts `ctr` and polls the app every 2 ms; milliseconds from spawn to the first 200. */
async function timeToFirst200(netns: Netns, port: number, args: readonly string[]): Promise<number> {
  const started = performance.now();
  const ctr = spawn(
    '/usr/bin/ctr',
    ['--address', containerd.address, '--namespace', containerd.namespace, ...args],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  ctr.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let failed: string | undefined;
  ctr.on('exit', (code) => {
    if (code !== 0) failed = `ctr ${args.join(' ')} exited with ${String(code)}: ${stderr}`;
  });
  const url = `http://${netns.address}:${String(port)}/`;
  for (;;) {
    if (failed) throw new Error(failed);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) return performance.now() - started;
    } catch {
      // Not listening yet.
    }
    if (performance.now() - started > 60_000) throw new Error(`${url} did not answer within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function stop(id: string): Promise<void> {
  await containerd.ctrOk(['task', 'kill', '--signal', 'SIGKILL', id]);
  for (let attempt = 0; attempt < 100; attempt++) {
    if (
      /STOPPED/.test(
        await containerd
          .ctrOk(['task', 'ls'])
          .then((out) => out.split('\n').find((line) => line.startsWith(`${id} `)) ?? ''),
      )
    )
      break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await containerd.ctrOk(['task', 'delete', id]).catch(() => undefined);
  await containerd.ctrOk(['container', 'rm', id]);
}

function shimServers(): number[] {
  return shimProcesses(containerd.address, { serversOnly: true });
}

async function serverGone(): Promise<void> {
  for (let attempt = 0; attempt < 200 && shimServers().length > 0; attempt++)
    await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Each runc container's processes: its shim (given the container id) and what runs inside. */
function runcProcesses(ids: readonly string[]): number[] {
  const all = listProcesses();
  const shims = all.filter(
    (p) =>
      p.args.some((arg) => arg.includes('containerd-shim-runc-v2')) && ids.some((id) => p.args.includes(id)),
  );
  const shimPids = new Set(shims.map((p) => p.pid));
  const children = all.filter((p) => shimPids.has(p.ppid));
  return [...shimPids, ...children.map((p) => p.pid)];
}

/** A few requests per app, so every worker that would serve it has loaded it. */
async function exercise(nets: readonly Netns[]): Promise<void> {
  for (let round = 0; round < 8; round++) {
    await Promise.all(nets.map(async (netns) => (await fetch(`http://${netns.address}/`)).arrayBuffer()));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
}

interface Memory {
  readonly pss: number;
  readonly rss: number;
}

/** kB summed over processes, from /proc/<pid>/smaps_rollup. */
function memory(pids: readonly number[]): Memory {
  let pss = 0;
  let rss = 0;
  for (const pid of pids) {
    try {
      const text = readFileSync(`/proc/${String(pid)}/smaps_rollup`, 'utf8');
      pss += Number(/^Pss:\s+(\d+)/m.exec(text)?.[1] ?? 0);
      rss += Number(/^Rss:\s+(\d+)/m.exec(text)?.[1] ?? 0);
    } catch {
      // Gone.
    }
  }
  return { pss, rss };
}
