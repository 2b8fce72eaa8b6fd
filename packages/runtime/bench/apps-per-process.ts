/**
 * Memory per app when one process serves many (prints figures beside their baselines; asserts nothing).
 * For each app count, a fresh process started the way the shim starts (`MALLOC_ARENA_MAX=2 node
 * --max-semi-space-size=1 --optimize-for-size`) serves that many copies of examples/tiny-hello, each on
 * its own port and answered once, then reports its RSS. Two layouts: every app on one shared pool of
 * `--workers` threads (the shim's), and every app on a pool of its own with one worker (what each app
 * cost before pools were shared). `--app` measures another example (`js-hello`, path `/hello`).
 *
 *   node packages/runtime/bench/apps-per-process.ts [--apps 1,11,21] [--workers 2] [--app tiny-hello --path /]
 *
 * Runs the built runtime (dist/): build first.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type * as Runtime from '../src/index.ts';

const { values } = parseArgs({
  options: {
    apps: { type: 'string', default: '1,11,21' },
    workers: { type: 'string', default: '2' },
    app: { type: 'string', default: 'tiny-hello' },
    path: { type: 'string', default: '/' },
    serve: { type: 'string' },
    layout: { type: 'string' },
    root: { type: 'string' },
  },
});
const workers = Number(values.workers);
const NODE_FLAGS = ['--max-semi-space-size=1', '--optimize-for-size'];
const BEFORE_MB_PER_APP = 15;
const TARGET_MB_PER_APP = 15;
type Layout = 'shared' | 'per-app';

if (values.serve !== undefined)
  await serveMany(Number(values.serve), values.layout as Layout, values.root ?? '');
else await measure();

async function measure(): Promise<void> {
  const counts = values.apps.split(',').map(Number);
  // The serving processes are killed, so their files live here, removed at the end.
  const root = mkdtempSync(join(tmpdir(), 'spinkube-apps-bench-'));
  const rss: Record<Layout, number[]> = { shared: [], 'per-app': [] };
  try {
    await child(1, 'shared', root); // transpiles into the cache, so every measured run starts warm
    for (const layout of ['shared', 'per-app'] as const) {
      for (const count of counts) rss[layout].push(await child(count, layout, root));
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  const marginal = (layout: Layout) => {
    const first = rss[layout][0] ?? 0;
    const last = rss[layout].at(-1) ?? 0;
    return (last - first) / ((counts.at(-1) ?? 1) - (counts[0] ?? 0)) / 1024 / 1024;
  };
  console.log(
    `\nRSS of one process serving N ${values.app} apps, each answered once (MALLOC_ARENA_MAX=2 node ${NODE_FLAGS.join(' ')})\n`,
  );
  const rows = [
    ['apps', `one shared pool (${String(workers)} workers)`, 'a pool per app (1 worker each)'],
    ...counts.map((count, i) => [
      String(count),
      `${mb(rss.shared[i] ?? 0)} MB`,
      `${mb(rss['per-app'][i] ?? 0)} MB`,
    ]),
    [
      'per extra app',
      `${marginal('shared').toFixed(2)} MB`,
      `${marginal('per-app').toFixed(2)} MB (measured before sharing: ~${String(BEFORE_MB_PER_APP)} MB)`,
    ],
    ['target', `far below ${String(TARGET_MB_PER_APP)} MB per extra app`, ''],
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length))) ?? [];
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
}

/** Runs one serving process and returns its RSS in bytes once every app has answered. */
async function child(count: number, layout: Layout, root: string): Promise<number> {
  const proc = spawn(
    process.execPath,
    [
      ...NODE_FLAGS,
      import.meta.filename,
      '--serve',
      String(count),
      '--layout',
      layout,
      '--root',
      root,
      '--workers',
      String(workers),
      '--app',
      values.app,
      '--path',
      values.path,
    ],
    { env: { ...process.env, MALLOC_ARENA_MAX: '2' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    return await new Promise<number>((resolve, reject) => {
      proc.stdout.on('data', () => {
        const match = /^rss (\d+)$/m.exec(out);
        if (match) resolve(Number(match[1]));
      });
      proc.once('exit', (code) => {
        reject(new Error(`the serving process exited with code ${String(code)}: ${out}`));
      });
    });
  } finally {
    if (proc.pid !== undefined && proc.exitCode === null) process.kill(proc.pid, 'SIGKILL');
  }
}

/** The serving process: `count` apps, each answered once, then its RSS on stdout; it runs until killed. */
async function serveMany(count: number, layout: Layout, root: string): Promise<void> {
  const dist = join(import.meta.dirname, '..', 'dist', 'index.js');
  const { WorkerPool, loadApp, serveApp } = (await import(pathToFileURL(dist).href)) as typeof Runtime;
  const manifest = join(import.meta.dirname, '..', '..', '..', 'examples', values.app, 'spin.toml');
  const state = mkdtempSync(join(root, 'state-'));
  const pool = layout === 'shared' ? new WorkerPool({ size: workers, requestTimeoutMs: 60_000 }) : undefined;
  for (let i = 0; i < count; i++) {
    const served = await serveApp(
      loadApp({
        from: manifest,
        stateDir: join(state, `app-${String(i)}`),
        cacheDir: join(root, 'cache'),
        runtimeConfigFile: null,
        env: {},
      }),
      {
        host: '127.0.0.1',
        port: 0,
        ...(pool ? { pool } : { workers: 1 }),
        stdout: () => undefined,
        stderr: (line) => process.stderr.write(`${line}\n`),
      },
    );
    const response = await fetch(`${served.url}${values.path}`);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`app ${String(i)} answered ${String(response.status)}`);
  }
  // Let the spare instances be made and the allocators settle before measuring.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  process.stdout.write(`rss ${String(process.memoryUsage().rss)}\n`);
  // Serving keeps the process alive until the measuring process kills it.
}
