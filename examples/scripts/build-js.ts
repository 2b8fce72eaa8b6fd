/**
 * Builds the JS SDK example (js-hello) the way `spin build` does for Spin's http-js template: esbuild bundles
 * the source with the SDK's plugin (which keeps WIT imports external), then `j2w` componentizes the bundle
 * with ComponentizeJS (StarlingMonkey). npm-only tools; output goes to dist/ and is never committed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SpinEsbuildPlugin } from '@spinframework/build-tools/plugins/esbuild/index.js';
import { build } from 'esbuild';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

async function buildJs(name: string): Promise<void> {
  const started = performance.now();
  const dir = join(root, name);
  // The plugin reads WIT dependencies from the package.json in the working directory when it is created.
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
  mkdirSync(join(root, 'dist'), { recursive: true });
  const output = join(root, 'dist', `${name}.wasm`);
  const j2w = join(dirname(require.resolve('@spinframework/build-tools/package.json')), 'dist', 'index.js');
  const result = spawnSync(
    process.execPath,
    [j2w, '-i', bundle, '--initLocation', `http://${name}.localhost`, '-o', output],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  if (result.status !== 0) throw new Error(`j2w failed for ${name} (exit ${String(result.status)})`);
  const ms = (performance.now() - started).toFixed(0);
  process.stdout.write(`built dist/${name}.wasm (${String(statSync(output).size)} bytes) in ${ms} ms\n`);
}

await buildJs('js-hello');
