/**
 * Builds the components that need no language toolchain into dist/: every example folder holding a
 * `component.wat` (a hand-written core module) and a `world.wit`, with jco's wasm-tools only (parse, embed,
 * new), all in this one process. Pass example names to build only those. Output is never committed.
 *
 * The WIT each world is resolved against is one text: the wasi-http WIT that @spinframework/wasi-http-proxy
 * ships (its top-level package, with wasi:http, wasi:io, ... nested), Spin's own interfaces from
 * ../wit/fermyon-spin.wit (nested too), then the example's world.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { componentEmbed, componentNew, parse } from '@bytecodealliance/jco-transpile/wasm-tools';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const sharedWit = [
  readFileSync(
    join(
      dirname(require.resolve('@spinframework/wasi-http-proxy/package.json')),
      'wit',
      'wasi-http@0.2.3.wit',
    ),
    'utf8',
  ),
  readFileSync(join(root, 'wit', 'fermyon-spin.wit'), 'utf8'),
].join('\n');

/** The example folders built from WAT, in name order. */
function tinyExamples(): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'component.wat')))
    .map((entry) => entry.name)
    .sort();
}

async function buildTiny(name: string): Promise<void> {
  const started = performance.now();
  const dir = join(root, name);
  let component: Uint8Array;
  try {
    const core = await parse(readFileSync(join(dir, 'component.wat'), 'utf8'));
    const world = readFileSync(join(dir, 'world.wit'), 'utf8');
    const embedded = await componentEmbed({ binary: core, witSource: `${sharedWit}\n${world}`, world: name });
    component = await componentNew(embedded);
  } catch (error) {
    throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  writeFileSync(join(root, 'dist', `${name}.wasm`), component);
  const ms = (performance.now() - started).toFixed(0);
  process.stdout.write(`built dist/${name}.wasm (${String(component.length)} bytes) in ${ms} ms\n`);
}

const available = tinyExamples();
const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  process.stderr.write(
    `not a tiny example: ${unknown.join(', ')}; expected one of: ${available.join(', ')}\n`,
  );
  process.exit(1);
}
const started = performance.now();
mkdirSync(join(root, 'dist'), { recursive: true });
const names = requested.length > 0 ? requested : available;
for (const name of names) await buildTiny(name);
process.stdout.write(
  `built ${String(names.length)} tiny components in ${(performance.now() - started).toFixed(0)} ms\n`,
);
