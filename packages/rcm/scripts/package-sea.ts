/**
 * Builds the runtime-class-manager's executables, each one self-contained file (a Node single executable
 * application) that needs nothing on a node or in an image but glibc and libstdc++:
 *
 *   node scripts/package-sea.ts [--output-dir <dir>] [--only <program>]…
 *
 * For each entry of EXECUTABLES (the manager, the node installer and the shim downloader; `--only` picks
 * some), esbuild bundles the compiled entry (`dist/cli/*-main.js`, so build first)
 * and everything it imports into one CommonJS script (the only format an SEA's main script has on Node 24;
 * the entries have no top-level await), with the package version built in; @spinkube/sea-packager then makes
 * the executable and checks that `--version` runs without Node on PATH. Results to stdout (one line per
 * executable), progress to stderr.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  bundleMainScript,
  makeSeaExecutable,
  mib,
  packageSteps,
  PackageError,
  runTool,
  seconds,
} from '@spinkube/sea-packager';
import { rcmVersion } from '../src/cli/version.ts';

interface Executable {
  /** The file written to the output directory. */
  readonly program: string;
  /** The compiled entry, relative to the package. */
  readonly entry: string;
  /** V8 flags of the entry's shebang, which the executable runs with. */
  readonly execArgv?: readonly string[];
}

/**
 * The executables, one line each (a new one also goes into the nx `package` target's outputs). The manager
 * runs for long: a small young generation and code for size, as its shebang and spin-operator's. The Job's
 * tools run for seconds and take no flags, so their code cache is accepted at start.
 */
const EXECUTABLES: readonly Executable[] = [
  {
    program: 'runtime-class-manager',
    entry: 'dist/cli/manager-main.js',
    execArgv: ['--max-semi-space-size=1', '--optimize-for-size'],
  },
  { program: 'rcm-node-installer', entry: 'dist/cli/node-installer-main.js' },
  { program: 'rcm-shim-downloader', entry: 'dist/cli/shim-downloader-main.js' },
];

const packageRoot = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: { 'output-dir': { type: 'string' }, only: { type: 'string', multiple: true } },
});
const outputDir = resolve(values['output-dir'] ?? join(packageRoot, 'dist'));
const version = rcmVersion();

try {
  const unknown = (values.only ?? []).filter((name) => !EXECUTABLES.some((e) => e.program === name));
  if (unknown.length > 0)
    throw new PackageError(
      `--only ${unknown.join(', ')}: not one of ${EXECUTABLES.map((e) => e.program).join(', ')}`,
    );
  const selected = EXECUTABLES.filter((e) => !values.only || values.only.includes(e.program));
  for (const executable of selected) await packageExecutable(executable);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  const known = error instanceof PackageError || (error as NodeJS.ErrnoException).code === 'ENOENT';
  process.stderr.write(`package-sea: ${known ? message : String((error as Error).stack)}\n`);
  if ((error as NodeJS.ErrnoException).code === 'ENOENT')
    process.stderr.write('package-sea: build the package first (npx nx run rcm:build)\n');
  process.exitCode = 1;
}

async function packageExecutable({ program, entry, execArgv = [] }: Executable): Promise<void> {
  const started = performance.now();
  const entryPath = join(packageRoot, entry);
  const output = join(outputDir, program);
  const steps = packageSteps(`package-sea ${program}`, 5);
  const work = mkdtempSync(join(tmpdir(), `${program}-sea-`));
  try {
    statSync(entryPath);
    const mainScript = join(work, `${program}.cjs`);
    const bundleBytes = await steps.step(`bundling ${entry} ${version} (esbuild)`, () =>
      bundleMainScript({
        entry: entryPath,
        outfile: mainScript,
        define: { RCM_VERSION: version },
        // version.ts reads package.json through import.meta.url only when RCM_VERSION is not defined.
        silence: ['empty-import-meta'],
      }),
    );
    const executable = await makeSeaExecutable({
      work,
      mainScript,
      execArgv,
      // A code cache made by this Node is rejected at start (with a warning) when the V8 flags differ.
      useCodeCache: execArgv.length === 0,
      output,
      steps,
      check: (file) => runTool(file, ['--version'], { env: { PATH: '/usr/bin:/bin' }, timeoutMs: 30_000 }),
    });
    process.stdout.write(
      `${program} ${version}: ${mib(executable.size)} (node ${process.versions.node} ${mib(executable.nodeBytes)}, bundle ${mib(bundleBytes)}) built in ${seconds(performance.now() - started)}: ${relative(process.cwd(), output)}\n`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
