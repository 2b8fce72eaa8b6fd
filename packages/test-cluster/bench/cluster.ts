/**
 * Benchmark of the local test cluster (prints figures; asserts nothing):
 * - cold provisioning: each pinned tool built from the Go module proxy into empty caches (`--cold`);
 * - start-to-ready of a cluster with a warm cache, over several runs (target: under 15 s);
 * - resident and proportional memory of each control-plane process once the cluster is ready.
 *
 *   node packages/test-cluster/bench/cluster.ts [--runs 3] [--cold]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureTool, LOCAL_CLUSTER_TOOLS, startLocalCluster, stopLocalCluster } from '../dist/index.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, cold: { type: 'boolean', default: false } },
});
const TARGET_START_SECONDS = 15;

if (values.cold) {
  // Empty tool, Go build and Go module caches: everything is downloaded and compiled.
  const scratch = mkdtempSync(join(tmpdir(), 'spinkube-cold-'));
  process.env['SPINKUBE_CACHE'] = join(scratch, 'tools');
  process.env['GOCACHE'] = join(scratch, 'gocache');
  process.env['GOMODCACHE'] = join(scratch, 'gomodcache');
  console.log('cold provisioning (empty tool, Go build and Go module caches):');
  let total = 0;
  for (const tool of LOCAL_CLUSTER_TOOLS) {
    const { buildSeconds } = await ensureTool(tool);
    total += buildSeconds;
    console.log(`  ${`${tool.name} ${tool.version}`.padEnd(24)} ${buildSeconds.toFixed(0).padStart(5)} s`);
  }
  console.log(`  ${'total'.padEnd(24)} ${total.toFixed(0).padStart(5)} s`);
  rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
  delete process.env['SPINKUBE_CACHE'];
  delete process.env['GOCACHE'];
  delete process.env['GOMODCACHE'];
}

for (const tool of LOCAL_CLUSTER_TOOLS) await ensureTool(tool);
const runs = Number.parseInt(values.runs, 10);
const startTimes: number[] = [];
let memory: { name: string; rssMiB: number; pssMiB: number }[] = [];
for (let run = 0; run < runs; run++) {
  const started = performance.now();
  const state = await startLocalCluster({ name: 'bench' });
  startTimes.push((performance.now() - started) / 1000);
  if (run === runs - 1) memory = state.processes.map((p) => ({ name: p.name, ...processMemory(p.pid) }));
  await stopLocalCluster(state);
}

const sorted = [...startTimes].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
console.log(`\ncluster start-to-ready, warm cache (${String(runs)} runs, 2 kwok nodes):`);
console.log(`  runs     ${startTimes.map((s) => `${s.toFixed(1)} s`).join(', ')}`);
console.log(
  `  median   ${median.toFixed(1)} s   (target < ${String(TARGET_START_SECONDS)} s: ${median < TARGET_START_SECONDS ? 'met' : 'MISSED'})`,
);
console.log('\ncontrol-plane memory once ready:');
console.log(`  ${'process'.padEnd(26)} ${'RSS'.padStart(9)} ${'PSS'.padStart(9)}`);
for (const m of memory) console.log(`  ${m.name.padEnd(26)} ${mib(m.rssMiB)} ${mib(m.pssMiB)}`);
const total = memory.reduce((sum, m) => ({ rss: sum.rss + m.rssMiB, pss: sum.pss + m.pssMiB }), {
  rss: 0,
  pss: 0,
});
console.log(`  ${'total'.padEnd(26)} ${mib(total.rss)} ${mib(total.pss)}`);

function processMemory(pid: number): { rssMiB: number; pssMiB: number } {
  const rollup = readFileSync(`/proc/${String(pid)}/smaps_rollup`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0);
  return { rssMiB: kib('Rss') / 1024, pssMiB: kib('Pss') / 1024 };
}

function mib(value: number): string {
  return `${value.toFixed(0).padStart(5)} MiB`;
}
