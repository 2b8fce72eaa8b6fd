/**
 * Builds `dist/spin-operator`: the operator as one self-contained executable (a Node single executable
 * application) that needs nothing but glibc and libstdc++, for the operator's container image.
 *
 *   node scripts/package-sea.ts [--output <file>]
 *
 * esbuild bundles `dist/cli/main.js` and everything it imports into one CommonJS script (the only format an
 * SEA's main script has on Node 24; the operator has no top-level await and reads no file beside its code
 * once its version is built in); @spinkube/sea-packager makes the executable with the V8 flags of the
 * operator's shebang. Results to stdout, progress to stderr.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { operatorVersion } from '../src/cli/version.ts';
import {
  bundleMainScript,
  makeSeaExecutable,
  mib,
  packageSteps,
  runTool,
  seconds,
  PackageError,
} from '@spinkube/sea-packager';

/** The operator's shebang flags: a small young generation, code for size. */
const EXEC_ARGV = ['--max-semi-space-size=1', '--optimize-for-size'];
const PROGRAM = 'spin-operator';

const started = performance.now();
const packageRoot = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { output: { type: 'string' } } });
const output = resolve(values.output ?? join(packageRoot, 'dist', PROGRAM));
const entry = join(packageRoot, 'dist', 'cli', 'main.js');
const version = operatorVersion();
const steps = packageSteps('package-sea', 5);
const work = mkdtempSync(join(tmpdir(), `${PROGRAM}-sea-`));

try {
  statSync(entry);
  const mainScript = join(work, `${PROGRAM}.cjs`);
  const bundleBytes = await steps.step(`bundling ${relative(packageRoot, entry)} ${version} (esbuild)`, () =>
    bundleMainScript({ entry, outfile: mainScript, define: { SPIN_OPERATOR_VERSION: version } }),
  );
  const executable = await makeSeaExecutable({
    work,
    mainScript,
    execArgv: EXEC_ARGV,
    // A code cache made by this Node (other V8 flags) is rejected at start with a warning.
    useCodeCache: false,
    output,
    steps,
    check: (file) => runTool(file, ['--version'], { env: { PATH: '/usr/bin:/bin' }, timeoutMs: 30_000 }),
  });
  process.stdout.write(
    `${PROGRAM} ${version}: ${mib(executable.size)} (node ${process.versions.node} ${mib(executable.nodeBytes)}, bundle ${mib(bundleBytes)}) built in ${seconds(performance.now() - started)}: ${relative(process.cwd(), output)}\n`,
  );
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `package-sea: ${error instanceof PackageError || (error as NodeJS.ErrnoException).code === 'ENOENT' ? message : String((error as Error).stack)}\n`,
  );
  if ((error as NodeJS.ErrnoException).code === 'ENOENT')
    process.stderr.write('package-sea: build the operator first (npx nx run operator:build)\n');
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
