/**
 * Runtime benchmark (prints figures beside their targets; asserts nothing). For each server, on the same
 * machine as the load generator: time from process start to the first 200, then req/s, p50, p99 and peak
 * RSS under `--connections` concurrent connections for `--duration` seconds after a short warm-up. The
 * runtime's servers are started once beforehand so their first response is measured with a warm cache.
 *
 *   node packages/runtime/bench/runtime.ts [--duration 10] [--connections 50]
 *
 * Servers: plain node:http hello (the ceiling), spinkube-runtime with the tiny WAT component and with the
 * JS SDK component (fresh instance per request), and `jco serve --isolate-requests instance` on the same
 * two components.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values } = parseArgs({
  options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' } },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const repo = join(import.meta.dirname, '..', '..', '..');
const cli = join(repo, 'packages', 'runtime', 'dist', 'cli', 'main.js');
const require = createRequire(import.meta.url);
const jco = join(dirname(require.resolve('@bytecodealliance/jco')), 'jco.js');
const stateDir = mkdtempSync(join(tmpdir(), 'spinkube-bench-'));

interface Subject {
  readonly name: string;
  readonly port: number;
  readonly command: string[];
  readonly path: string;
  readonly target?: string;
  /** Start once before measuring, so the first-response time is taken with a warm cache. */
  readonly prime?: boolean;
}

const NODE_HELLO =
  "require('node:http').createServer((q, s) => s.end('Hello, world!\\n')).listen(+process.argv[1], '127.0.0.1')";
const subjects: Subject[] = [
  { name: 'node:http hello (ceiling)', port: 41001, command: ['-e', NODE_HELLO, '41001'], path: '/' },
  {
    name: 'spinkube-runtime, tiny WAT',
    port: 41002,
    command: [
      cli,
      'up',
      '-f',
      join(repo, 'examples', 'tiny-hello'),
      '--listen',
      '127.0.0.1:41002',
      '--state-dir',
      stateDir,
    ],
    path: '/',
    target: '≥ 25% of node:http req/s',
    prime: true,
  },
  {
    name: 'spinkube-runtime, JS SDK app',
    port: 41003,
    command: [
      cli,
      'up',
      '-f',
      join(repo, 'examples', 'js-hello'),
      '--listen',
      '127.0.0.1:41003',
      '--state-dir',
      stateDir,
    ],
    path: '/hello',
    target: '≥ 500 req/s, p99 ≤ 100 ms; first response ≤ 300 ms',
    prime: true,
  },
  {
    name: 'jco serve --isolate-requests instance, tiny',
    port: 41004,
    command: [
      jco,
      'serve',
      '--port',
      '41004',
      '--host',
      '127.0.0.1',
      '--isolate-requests',
      'instance',
      join(repo, 'examples', 'dist', 'tiny-hello.wasm'),
    ],
    path: '/',
  },
  {
    name: 'jco serve --isolate-requests instance, JS SDK app',
    port: 41005,
    command: [
      jco,
      'serve',
      '--port',
      '41005',
      '--host',
      '127.0.0.1',
      '--isolate-requests',
      'instance',
      join(repo, 'examples', 'dist', 'js-hello.wasm'),
    ],
    path: '/hello',
  },
];

const rows: string[][] = [];
let ceiling = 0;
for (const subject of subjects) {
  if (subject.prime) {
    const primer = spawn(process.execPath, subject.command, { detached: true, stdio: 'ignore' });
    await firstOk(`http://127.0.0.1:${String(subject.port)}${subject.path}`, performance.now()).finally(
      () => {
        stop(primer);
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const started = performance.now();
  const child = spawn(process.execPath, subject.command, { detached: true, stdio: 'ignore' });
  try {
    const url = `http://127.0.0.1:${String(subject.port)}${subject.path}`;
    const firstMs = await firstOk(url, started);
    await load(url, 2, connections); // warm-up
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, treeRss(child))), 200);
    const result = await load(url, duration, connections);
    clearInterval(sampler);
    const rps = result.requests.average;
    if (ceiling === 0) ceiling = rps;
    rows.push([
      subject.name,
      rps.toFixed(0),
      `${String(result.latency.p50)} ms`,
      `${String(result.latency.p99)} ms`,
      `${(peakRss / 1024).toFixed(0)} MiB`,
      `${firstMs.toFixed(0)} ms`,
      `${((rps / ceiling) * 100).toFixed(1)}%`,
      String(result.non2xx + result.errors + result.timeouts),
      subject.target ?? '',
    ]);
  } catch (error) {
    rows.push([subject.name, `failed: ${error instanceof Error ? error.message : String(error)}`]);
  } finally {
    stop(child);
  }
}
rmSync(stateDir, { recursive: true, force: true });

const header = ['server', 'req/s', 'p50', 'p99', 'peak RSS', 'first 200', 'of ceiling', 'errors', 'target'];
console.log(
  `\n${String(connections)} connections, ${String(duration)} s per server, load generator on the same cores\n`,
);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
for (const row of [header, ...rows])
  console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));

async function firstOk(url: string, started: number): Promise<number> {
  for (let attempt = 0; attempt < 600; attempt++) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.ok) return performance.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`${url} never answered 200`);
}

function load(url: string, seconds: number, conns: number): Promise<autocannon.Result> {
  return autocannon({ url, connections: conns, duration: seconds });
}

/** RSS of the process and its children (jco serve runs its server in a child), in KiB. */
function treeRss(child: ChildProcess): number {
  if (child.pid === undefined) return 0;
  let total = 0;
  const pids = [child.pid];
  while (pids.length > 0) {
    const pid = pids.pop() ?? 0;
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'))?.[1] ?? 0);
      const children = readFileSync(`/proc/${String(pid)}/task/${String(pid)}/children`, 'utf8').trim();
      if (children) pids.push(...children.split(/\s+/).map(Number));
    } catch {
      // exited
    }
  }
  return total;
}

/** Stops the whole process group: jco serve leaves a child holding the port otherwise. */
function stop(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
