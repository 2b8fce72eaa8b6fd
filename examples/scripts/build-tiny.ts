/**
 * Builds the components that need no language toolchain (tiny-*) into dist/, from WAT and WIT, with
 * jco's wasm-tools only. Output is never committed.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { componentEmbed, componentNew, parse } from '@bytecodealliance/jco-transpile/wasm-tools';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const wasiHttpWit = readFileSync(
  join(dirname(require.resolve('@spinframework/wasi-http-proxy/package.json')), 'wit', 'wasi-http@0.2.3.wit'),
  'utf8',
);

async function buildTiny(name: string): Promise<void> {
  const started = performance.now();
  const core = await parse(readFileSync(join(root, name, 'component.wat'), 'utf8'));
  const world = readFileSync(join(root, name, 'world.wit'), 'utf8');
  const embedded = await componentEmbed({ binary: core, witSource: `${wasiHttpWit}\n${world}`, world: name });
  const component = await componentNew(embedded);
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(join(root, 'dist', `${name}.wasm`), component);
  const ms = (performance.now() - started).toFixed(0);
  process.stdout.write(`built dist/${name}.wasm (${String(component.length)} bytes) in ${ms} ms\n`);
}

for (const name of ['tiny-hello', 'tiny-trap', 'tiny-unsupported', 'tiny-variable']) await buildTiny(name);
