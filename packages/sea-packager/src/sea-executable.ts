/**
 * The last three steps of every single executable of ours: Node makes the SEA blob from a CommonJS main
 * script and assets (`--experimental-sea-config`, with the V8 flags the program runs with as `execArgv`); a
 * copy of the running Node binary is stripped of its symbols (a sixth of the official binary, never needed
 * at run time); postject injects the blob. A check run on the result must pass before it replaces `output`,
 * so a broken executable never looks built.
 */
import { createRequire } from 'node:module';
import { chmodSync, copyFileSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { hasTool, runTool } from './run-tool.js';
import type { Steps } from './steps.js';

/** Postject's standard fuse for Node's SEA blob. */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const require = createRequire(import.meta.url);

export interface SeaExecutableOptions {
  /** A scratch directory for the blob and its config. */
  readonly work: string;
  /** The CommonJS main script (inside `work`, so stack traces name it without the build machine's path). */
  readonly mainScript: string;
  /** Asset key → file. */
  readonly assets?: Readonly<Record<string, string>>;
  readonly execArgv?: readonly string[];
  /** Compile the main script into a code cache (faster start); off when it `import()`s files from disk. */
  readonly useCodeCache?: boolean;
  readonly output: string;
  /** Runs the finished executable (at a scratch path) before it is moved to `output`. */
  readonly check: (executable: string) => Promise<void>;
  readonly steps: Steps;
}

export interface SeaExecutable {
  readonly size: number;
  /** The stripped Node binary's share of `size`. */
  readonly nodeBytes: number;
}

export async function makeSeaExecutable(options: SeaExecutableOptions): Promise<SeaExecutable> {
  const { work, steps } = options;
  const blob = join(work, 'sea-prep.blob');
  await steps.step('making the SEA blob (node --experimental-sea-config)', async () => {
    const config = {
      main: basename(options.mainScript),
      output: blob,
      disableExperimentalSEAWarning: true,
      useSnapshot: false,
      useCodeCache: options.useCodeCache ?? false,
      execArgv: options.execArgv ?? [],
      assets: options.assets ?? {},
    };
    const configFile = join(work, 'sea-config.json');
    writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
    await runTool(process.execPath, ['--experimental-sea-config', configFile], {
      quiet: /^Wrote single executable/,
      cwd: work,
    });
  });

  const scratch = `${options.output}.partial-${String(process.pid)}`;
  mkdirSync(dirname(options.output), { recursive: true });
  try {
    const nodeBytes = await steps.step(`copying node ${process.version} (${process.execPath})`, async () => {
      copyFileSync(process.execPath, scratch);
      chmodSync(scratch, 0o755);
      if (await hasTool('strip')) await runTool('strip', ['--strip-all', scratch]);
      else process.stderr.write('strip (binutils) not found; the executable keeps its symbols\n');
      return statSync(scratch).size;
    });
    await steps.step('injecting the blob (postject)', () =>
      runTool(
        process.execPath,
        [
          require.resolve('postject/dist/cli.js'),
          scratch,
          'NODE_SEA_BLOB',
          blob,
          '--sentinel-fuse',
          SEA_FUSE,
        ],
        // LIEF's notes about Node's unnamed ELF note sections, and postject's own chatter.
        { quiet: /Can't find string offset for section name|Start injection of|Injection done/ },
      ),
    );
    await steps.step('checking the executable starts', () => options.check(scratch));
    renameSync(scratch, options.output);
    return { size: statSync(options.output).size, nodeBytes };
  } finally {
    rmSync(scratch, { force: true });
  }
}
