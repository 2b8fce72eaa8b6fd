/**
 * Builds `dist/containerd-shim-spin-v2`: the shim as one self-contained executable (a Node single executable
 * application) that needs nothing on a node but glibc, libstdc++ and util-linux.
 *
 *   node scripts/package-sea.ts [--entry <module>] [--output <file>] [--keep-work]
 *
 * `--entry scripts/stand-in-main.ts` packages a stand-in that serves a Spin app directly (see there).
 *
 * 1. esbuild bundles the shim's entry (`dist/main.js`) and the runtime's worker entry into ES modules that
 *    share chunks (in a temporary directory; `--keep-work` keeps it): ES modules, not one CommonJS script,
 *    because the code uses top-level await and `import.meta.url` (worker files, jco's I/O worker), and
 *    chunks that load only when needed keep `-v`, `start` and `delete` fast. jco-transpile's core wasm modules are
 *    compiled from the executable's memory (its `new URL('./x.wasm', import.meta.url)` loads are rewritten
 *    to `node:sea` assets); its unused native minifier is left out.
 * 2. The bootstrap (scripts/sea-bootstrap.ts, CommonJS: the only format an SEA main script has on Node 24)
 *    writes those modules once to a directory named after their hash and imports the entry from there.
 * 3. @spinkube/sea-packager makes the executable: the SEA blob with the V8 flags the shim runs with
 *    (`execArgv`) and the bundle as assets, a stripped copy of this Node binary, postject, and `-v` as check.
 *
 * Results to stdout (one line with the size), progress and failures to stderr.
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, type Plugin } from 'esbuild';
import {
  captureTool,
  makeSeaExecutable,
  mib,
  PackageError,
  packageSteps,
  runTool,
  seconds,
} from '@spinkube/sea-packager';
import {
  APP_ASSET_PREFIX,
  DATA_DIR_ENV,
  JCO_ASSET_PREFIX,
  PROGRAM,
  type SeaFile,
  type SeaManifest,
} from './sea-manifest.ts';

/** V8 flags the shim runs with (as spin-operator's shebang): a small young generation, code for size. */
const SHIM_EXEC_ARGV = ['--max-semi-space-size=1', '--optimize-for-size'];
/** The worker entry's file name in the bundle; the runtime's default `workerEntry()` resolves it too. */
const WORKER_ENTRY = 'instance-worker';
/** preview2-shim (jco-transpile's WASI) starts this worker from a file next to itself when it is imported. */
const PREVIEW2_IO_WORKER = 'worker-thread.bundle.js';
const MAIN_MODULE = 'main.js';

const packageRoot = resolve(import.meta.dirname, '..');
const started = performance.now();
const steps = packageSteps('package-sea', 6);

interface Options {
  readonly entry: string;
  readonly output: string;
  /** Keep the bundle, the blob and its config (printed) instead of removing them. */
  readonly keepWork: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      entry: { type: 'string' },
      output: { type: 'string' },
      'keep-work': { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  const output = resolve(values.output ?? join(packageRoot, 'dist', PROGRAM));
  const entry = resolve(values.entry ?? join(packageRoot, 'dist', MAIN_MODULE));
  if (!existsSync(entry)) {
    throw new PackageError(
      `${relative(process.cwd(), entry)} is missing: build the shim first (npx nx run shim:build)`,
    );
  }
  return { entry, output, keepWork: values['keep-work'] };
}

/**
 * The module esbuild starts from: points the runtime's workers at the bundled worker entry beside it, then
 * runs the shim's entry (a dynamic import, so `setWorkerEntry` has run before any of the shim's code).
 * `setWorkerEntry` comes from its own module, not the runtime's index, so that a start that never serves
 * an app (`-v`, `start`, `delete`, which containerd runs for every pod) does not load the whole runtime.
 */
function appMainSource(entry: string): string {
  const module = fileURLToPath(import.meta.resolve('@spinkube/runtime/worker-entry'));
  if (!existsSync(module)) {
    throw new PackageError(`${module} is missing: the runtime has no setWorkerEntry, or is not built`);
  }
  return [
    `import { setWorkerEntry } from ${JSON.stringify(module)};`,
    `setWorkerEntry(new URL('./${WORKER_ENTRY}.js', import.meta.url));`,
    `await import(${JSON.stringify(entry)});`,
    '',
  ].join('\n');
}

/** The source revision `-v` reports: SPINKUBE_SHIM_REVISION when set, else git's HEAD, else none. */
async function sourceRevision(): Promise<string | undefined> {
  const fromEnv = process.env['SPINKUBE_SHIM_REVISION'];
  if (fromEnv) return fromEnv;
  try {
    return (
      (await captureTool('git', ['-C', packageRoot, 'rev-parse', '--short=12', 'HEAD'])).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

interface AppBundle {
  readonly dir: string;
  readonly jcoAssets: Map<string, string>;
  readonly warnings: string[];
}

async function bundleApp(opts: Options, outDir: string, revision: string | undefined): Promise<AppBundle> {
  const runtimeIndex = fileURLToPath(import.meta.resolve('@spinkube/runtime'));
  const workerEntry = fileURLToPath(import.meta.resolve('@spinkube/runtime/instance-worker'));
  for (const file of [runtimeIndex, workerEntry]) {
    if (!existsSync(file)) throw new PackageError(`${file} is missing: build @spinkube/runtime first`);
  }
  const jcoAssets = new Map<string, string>();
  let preview2Worker: string | undefined;

  const plugins: Plugin[] = [
    {
      name: 'sea-app-main',
      setup(b) {
        b.onResolve({ filter: /^sea:app-main$/ }, () => ({ path: 'app-main', namespace: 'sea' }));
        b.onLoad({ filter: /.*/, namespace: 'sea' }, () => ({
          contents: appMainSource(opts.entry),
          resolveDir: packageRoot,
          loader: 'js',
        }));
      },
    },
    {
      // jco-transpile imports oxc-minify (a native addon) for its `minify` option, which the runtime never
      // sets; a stub keeps the addon out of the executable.
      name: 'no-oxc-minify',
      setup(b) {
        b.onResolve({ filter: /^oxc-minify$/ }, () => ({ path: 'oxc-minify', namespace: 'sea-stub' }));
        b.onLoad({ filter: /.*/, namespace: 'sea-stub' }, () => ({
          contents: `export function minify() { throw new Error('${PROGRAM} is built without oxc-minify'); }`,
          loader: 'js',
        }));
      },
    },
    {
      // jco-transpile's vendored components load their core wasm from files beside them; here they come
      // from the executable's assets instead, so they are never written to disk.
      name: 'jco-wasm-from-sea-assets',
      setup(b) {
        b.onLoad({ filter: /[\\/]jco-transpile[\\/]vendor[\\/][^\\/]+\.js$/ }, (args) => {
          const source = readFileSync(args.path, 'utf8');
          let count = 0;
          const rewritten = source.replace(
            /fetchCompile\(new URL\('\.\/([\w.-]+\.wasm)', import\.meta\.url\)\)/g,
            (_match, name: string) => {
              count += 1;
              jcoAssets.set(JCO_ASSET_PREFIX + name, join(dirname(args.path), name));
              return `WebAssembly.compile(__seaGetRawAsset(${JSON.stringify(JCO_ASSET_PREFIX + name)}))`;
            },
          );
          if (rewritten.includes('import.meta.url')) {
            throw new PackageError(
              `${args.path} loads a file next to itself in a way package-sea.ts does not know (import.meta.url left after rewriting ${String(count)} wasm loads)`,
            );
          }
          return {
            contents: `import { getRawAsset as __seaGetRawAsset } from 'node:sea';\n${rewritten}`,
            loader: 'js',
          };
        });
      },
    },
    {
      // preview2-shim starts its I/O worker from `new URL('./worker-thread.bundle.js', import.meta.url)`,
      // already a self-contained bundle: it is copied beside the chunk that refers to it (chunks are flat).
      name: 'preview2-io-worker',
      setup(b) {
        b.onLoad({ filter: /[\\/]preview2-shim[\\/]dist[\\/]io[\\/]worker-io\.js$/ }, (args) => {
          const source = readFileSync(args.path, 'utf8');
          if (!source.includes(`new URL("./${PREVIEW2_IO_WORKER}", import.meta.url)`)) {
            throw new PackageError(
              `${args.path} no longer starts ./${PREVIEW2_IO_WORKER}; see package-sea.ts`,
            );
          }
          const worker = join(dirname(args.path), PREVIEW2_IO_WORKER);
          if (preview2Worker && preview2Worker !== worker) {
            throw new PackageError(
              `two copies of preview2-shim are bundled: ${preview2Worker} and ${worker}`,
            );
          }
          preview2Worker = worker;
          return { contents: source, loader: 'js' };
        });
      },
    },
  ];

  const result = await build({
    entryPoints: { main: 'sea:app-main', [WORKER_ENTRY]: workerEntry },
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    // Flat output: jco's and the runtime's `new URL('./x', import.meta.url)` files sit beside every chunk.
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    // CommonJS dependencies (grpc-js, protobufjs) `require` builtins; an ES module has no `require` of its own.
    banner: {
      js: "import { createRequire as __seaCreateRequire } from 'node:module'; const require = __seaCreateRequire(import.meta.url);",
    },
    // src/version.ts reads the revision from the environment unless the package step fills it in.
    define: revision ? { 'process.env.SPINKUBE_SHIM_REVISION': JSON.stringify(revision) } : {},
    plugins,
    logLevel: 'silent',
    write: true,
  });
  const warnings = result.warnings.map((warning) => {
    const where = warning.location ? `${warning.location.file}:${String(warning.location.line)}: ` : '';
    return `${where}${warning.text}`;
  });
  if (preview2Worker) copyFileSync(preview2Worker, join(outDir, PREVIEW2_IO_WORKER));
  // Every .js file of the bundle is an ES module, whatever sits above the directory it is extracted to.
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  checkFileReferences(outDir);
  checkBareImports(outDir);
  return { dir: outDir, jcoAssets, warnings };
}

/**
 * Every `new URL('./x', import.meta.url)` left in the bundle must name a file of the bundle: a file the
 * executable lacks would only fail at run time, on a node.
 */
function checkFileReferences(dir: string): void {
  const missing: string[] = [];
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.js'))) {
    const source = readFileSync(join(dir, name), 'utf8');
    for (const match of source.matchAll(/new URL\(\s*["'](\.\/[^"']+)["']\s*,\s*import\.meta\.url\s*\)/g)) {
      const target = match[1] ?? '';
      if (target.endsWith('/') || existsSync(join(dir, target))) continue;
      missing.push(`${name} refers to ${target}`);
    }
  }
  if (missing.length > 0) {
    throw new PackageError(`the bundle refers to files it does not contain:\n  ${missing.join('\n  ')}`);
  }
}

/**
 * Packages the bundle would still load by name at run time, found nowhere on a node. Each one here is an
 * optional dependency its importer asks for inside a try/catch and does without.
 */
const OPTIONAL_RUNTIME_IMPORTS = new Set([
  'picomatch', // fdir (under tinyglobby), which is handed picomatch by tinyglobby instead
  '@node-rs/xxhash', // @redis/client's digest(), which the runtime does not call
  '@bytecodealliance/jco-node-fs', // preview2-shim's fadvise, a no-op without it
]);

/** Fails on a `require('x')` or `import('x')` of a package that is neither bundled nor a Node builtin. */
function checkBareImports(dir: string): void {
  const unresolved: string[] = [];
  const patterns = [
    /\b(?:__require|require)(?:\.resolve)?\(\s*["']([^"'./][^"']*)["']\s*\)/g,
    /\bimport\(\s*["']([^"'./][^"']*)["']\s*\)/g,
    /^\s*(?:import|export)\b[^'";]*?\bfrom\s*["']([^"'./][^"']*)["']/gm,
  ];
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.js'))) {
    const source = readFileSync(join(dir, name), 'utf8');
    for (const pattern of patterns) {
      for (const match of source.matchAll(pattern)) {
        const specifier = match[1] ?? '';
        if (isBuiltin(specifier) || OPTIONAL_RUNTIME_IMPORTS.has(specifier)) continue;
        unresolved.push(`${name}: ${specifier}`);
      }
    }
  }
  if (unresolved.length > 0) {
    throw new PackageError(
      `the bundle loads packages by name at run time, which the executable does not contain:\n  ${[...new Set(unresolved)].join('\n  ')}\n(bundle them, or add them to OPTIONAL_RUNTIME_IMPORTS in package-sea.ts if their importer does without)`,
    );
  }
}

function manifestOf(dir: string): SeaManifest {
  const names = readdirSync(dir).sort();
  const hash = createHash('sha256');
  const files: SeaFile[] = names.map((name) => {
    const bytes = readFileSync(join(dir, name));
    hash.update(`${name}\0${String(bytes.length)}\0`).update(bytes);
    return { name, size: bytes.length };
  });
  return { hash: hash.digest('hex').slice(0, 16), main: MAIN_MODULE, files };
}

async function bundleBootstrap(manifest: SeaManifest, file: string): Promise<void> {
  await build({
    entryPoints: [join(packageRoot, 'scripts', 'sea-bootstrap.ts')],
    outfile: file,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node24',
    define: { SEA_MANIFEST: JSON.stringify(manifest) },
    logLevel: 'silent',
  });
}

async function main(): Promise<void> {
  const opts = options();
  // Intermediate files in a directory of their own, outside dist/ (the build target's cached output).
  const work = mkdtempSync(join(tmpdir(), `${PROGRAM}-sea-`));
  const appDir = join(work, 'app');
  mkdirSync(appDir, { recursive: true });
  try {
    await packageInto(opts, work, appDir);
  } catch (error) {
    process.stderr.write(`package-sea: intermediate files kept in ${work}\n`);
    throw error;
  }
  if (opts.keepWork) process.stderr.write(`package-sea: intermediate files kept in ${work}\n`);
  else rmSync(work, { recursive: true, force: true });
}

async function packageInto(opts: Options, work: string, appDir: string): Promise<void> {
  const revision = await sourceRevision();
  const app = await steps.step(
    `bundling ${relative(packageRoot, opts.entry)} (revision ${revision ?? 'unknown'}) and the runtime's worker (esbuild)`,
    () => bundleApp(opts, appDir, revision),
  );
  for (const warning of app.warnings) process.stderr.write(`package-sea: esbuild warning: ${warning}\n`);
  const manifest = manifestOf(appDir);
  const bundleBytes = manifest.files.reduce((sum, file) => sum + file.size, 0);
  const jcoBytes = [...app.jcoAssets.values()].reduce((sum, file) => sum + statSync(file).size, 0);

  const mainScript = join(work, 'sea-main.cjs');
  await steps.step('bundling the bootstrap', () => bundleBootstrap(manifest, mainScript));

  const assets: Record<string, string> = Object.fromEntries(app.jcoAssets);
  for (const file of manifest.files) assets[APP_ASSET_PREFIX + file.name] = join(appDir, file.name);
  const executable = await makeSeaExecutable({
    work,
    mainScript,
    assets,
    execArgv: SHIM_EXEC_ARGV,
    // import() of the extracted modules needs the main script compiled without a code cache.
    useCodeCache: false,
    output: opts.output,
    steps,
    check: async (file) => {
      // Its files go to a scratch data directory, not the build machine's /var/lib.
      const dataDir = join(work, 'data');
      try {
        await runTool(file, ['-v'], {
          env: { PATH: '/usr/bin:/bin', [DATA_DIR_ENV]: dataDir },
          timeoutMs: 60_000,
        });
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  });
  process.stdout.write(
    `${PROGRAM}: ${mib(executable.size)} (node ${process.versions.node} ${mib(executable.nodeBytes)}, bundle ${mib(bundleBytes)}, jco wasm ${mib(jcoBytes)}) built in ${seconds(performance.now() - started)}: ${relative(process.cwd(), opts.output)}\n`,
  );
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`package-sea: ${message}\n`);
  if (!(error instanceof PackageError) && error instanceof Error && error.stack) {
    process.stderr.write(`${error.stack}\n`);
  }
  process.exit(1);
});
