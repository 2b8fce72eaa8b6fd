/**
 * Builds the examples written with Spin's JS SDK toolchain — every example folder holding a package.json
 * and src/index.js — the way `spin build` does for Spin's http-js/http-ts templates: esbuild bundles the
 * source with the SDK's plugin (which keeps WIT imports external), then `j2w` componentizes the bundle
 * with ComponentizeJS (StarlingMonkey). One after the other: each componentization takes one to two
 * cores. Pass example names to build only those. npm-only tools; output goes to dist/, never committed.
 *
 * Both the plugin and j2w read the app's package.json in the working directory: the WIT of its
 * dependencies that declare `config.witDependencies`, and of its own `config.witDependencies`, becomes the
 * component's world. j2w skips componentizing when the bundle and world are unchanged since its last run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SpinEsbuildPlugin } from '@spinframework/build-tools/plugins/esbuild/index.js';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const j2w = join(dirname(require.resolve('@spinframework/build-tools/package.json')), 'dist', 'index.js');

/** The example folders built with the JS SDK toolchain, in name order. */
function jsExamples(): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter(
      (entry) =>
        entry.isDirectory() &&
        existsSync(join(root, entry.name, 'package.json')) &&
        existsSync(join(root, entry.name, 'src', 'index.js')),
    )
    .map((entry) => entry.name)
    .sort();
}

async function buildJs(name: string): Promise<void> {
  const started = performance.now();
  const dir = join(root, name);
  // The plugin reads the WIT dependencies from the package.json in the working directory when created.
  process.chdir(dir);
  const bundle = join(dir, 'build', 'bundle.js');
  await build({
    entryPoints: [join(dir, 'src', 'index.js')],
    outfile: bundle,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'es2020',
    logLevel: 'error',
    plugins: [await SpinEsbuildPlugin()],
  });
  const bundled = performance.now();
  const output = join(root, 'dist', `${name}.wasm`);
  const result = spawnSync(
    process.execPath,
    [j2w, '-i', bundle, '--initLocation', `http://${name}.localhost`, '-o', output],
    { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // j2w reports a failed componentization on stderr but still exits 0, so success is read from stdout.
  const done = /Component successfully written|No changes detected/.test(result.stdout);
  if (result.status !== 0 || !done) {
    process.stderr.write(result.stderr);
    throw new Error(`${name}: j2w failed (exit ${String(result.status)})`);
  }
  const skipped = result.stdout.includes('No changes detected') ? ', unchanged' : '';
  const now = performance.now();
  process.stdout.write(
    `built dist/${name}.wasm (${String(statSync(output).size)} bytes${skipped}) in ${(now - started).toFixed(0)} ms ` +
      `(bundle ${(bundled - started).toFixed(0)} ms, j2w ${(now - bundled).toFixed(0)} ms)\n`,
  );
}

const available = jsExamples();
const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  process.stderr.write(`not a JS example: ${unknown.join(', ')}; expected one of: ${available.join(', ')}\n`);
  process.exit(1);
}
mkdirSync(join(root, 'dist'), { recursive: true });
for (const name of requested.length > 0 ? requested : available) await buildJs(name);
