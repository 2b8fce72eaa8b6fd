/**
 * `rcm-node-installer`'s command line, as upstream's: `install` and `uninstall`, with `-r/--runtime`,
 * `-c/--runtime-config`, `-k/--rcm-path` and `-H/--host-root` before or after the command, and
 * `install -a/--asset-path`. A flag wins over its variable (`RCM_<FLAG>`, and `HOST_ROOT`, which the node
 * Job sets), which wins over the default. `RUNTIME_OPTIONS` carries the Shim's containerd runtime options.
 * Parsing only: what runs is given as `run`.
 */
import { Command } from 'commander';
import { InstallerError } from '../node-installer/installer-error.js';
import { runtimeOptionsFromEnv } from './runtime-options-env.js';

export interface InstallerOptions {
  /** `-r`: upstream's "containerd or cri-o", which the manager uses for the shim name. */
  readonly runtime: string;
  /** `-c`: the containerd config (host path); detected from the distribution when not given. */
  readonly runtimeConfig?: string;
  /** `-k`: the installer's directory on the host. */
  readonly rcmPath: string;
  /** `-H`: where the host's root is mounted. */
  readonly hostRoot: string;
}

export type InstallerCommand =
  | {
      readonly name: 'install';
      readonly options: InstallerOptions & {
        readonly assetPath: string;
        readonly runtimeOptions?: Readonly<Record<string, string>>;
      };
    }
  | { readonly name: 'uninstall'; readonly options: InstallerOptions };

interface Flag {
  readonly key: 'runtime' | 'runtimeConfig' | 'rcmPath' | 'hostRoot' | 'assetPath';
  readonly flags: string;
  readonly description: string;
  /** Variables read when the flag is not given, first set wins. */
  readonly env: readonly string[];
  readonly fallback?: string;
}

const COMMON: readonly Flag[] = [
  {
    key: 'runtime',
    flags: '-r, --runtime <name>',
    description: 'the runtime; the manager passes the shim name here (what uninstall removes)',
    env: ['RCM_RUNTIME'],
    fallback: 'containerd',
  },
  {
    key: 'runtimeConfig',
    flags: '-c, --runtime-config <path>',
    description: "containerd's config file on the host (detected from the distribution if not given)",
    env: ['RCM_RUNTIME_CONFIG'],
  },
  {
    key: 'rcmPath',
    flags: '-k, --rcm-path <path>',
    description: 'directory for shim binaries (bin/) and the lock file on the host',
    env: ['RCM_RCM_PATH'],
    fallback: '/opt/rcm',
  },
  {
    key: 'hostRoot',
    flags: '-H, --host-root <path>',
    description: "where the host's root filesystem is mounted",
    env: ['RCM_HOST_ROOT', 'HOST_ROOT'],
    fallback: '/',
  },
];

const ASSET_PATH: Flag = {
  key: 'assetPath',
  flags: '-a, --asset-path <path>',
  description: 'directory holding the containerd-shim-<name> binaries to install',
  env: ['RCM_ASSET_PATH'],
  fallback: '/assets',
};

export function nodeInstallerProgram(
  version: string,
  env: NodeJS.ProcessEnv,
  run: (command: InstallerCommand) => Promise<void>,
): Command {
  const program = new Command('rcm-node-installer')
    .description(
      "Installs containerd shims on a node: binary, containerd runtime and lock file, then restarts containerd when anything changed (runs in the runtime-class-manager's node Job)",
    )
    .version(version, '-v, --version')
    .exitOverride();
  for (const flag of COMMON) program.option(flag.flags, describe(flag));

  program
    .command('install')
    .description('install every shim in the asset directory')
    .option(ASSET_PATH.flags, describe(ASSET_PATH))
    .addHelpText(
      'after',
      '\nEnvironment:\n  RUNTIME_OPTIONS  containerd runtime options, a JSON object of strings ({"SystemdCgroup":"true"})',
    )
    .action(async (local: Record<string, unknown>, command: Command) => {
      const options = common(program, env);
      const runtimeOptions = runtimeOptionsFromEnv(env);
      await run({
        name: 'install',
        options: {
          ...options,
          assetPath: resolve(ASSET_PATH, local['assetPath'], command, env),
          ...(runtimeOptions ? { runtimeOptions } : {}),
        },
      });
    });

  program
    .command('uninstall')
    .description('remove the shim named by -r: its runtime, binary and lock entry')
    .action(async () => {
      await run({ name: 'uninstall', options: common(program, env) });
    });
  return program;
}

function common(program: Command, env: NodeJS.ProcessEnv): InstallerOptions {
  const given = program.opts<Record<string, unknown>>();
  const value = (flag: Flag) => resolve(flag, given[flag.key], program, env);
  const [runtime, runtimeConfig, rcmPath, hostRoot] = COMMON.map(value);
  if (!runtime) throw new InstallerError('OptionsInvalid', '-r/--runtime is empty');
  return {
    runtime,
    ...(runtimeConfig ? { runtimeConfig } : {}),
    rcmPath: required(rcmPath, '-k/--rcm-path'),
    hostRoot: required(hostRoot, '-H/--host-root'),
  };
}

/** The flag's value, else its first variable that is set, else its default. */
function resolve(flag: Flag, given: unknown, command: Command, env: NodeJS.ProcessEnv): string {
  if (command.getOptionValueSource(flag.key) === 'cli' && typeof given === 'string') return given;
  for (const name of flag.env) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return flag.fallback ?? '';
}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new InstallerError('OptionsInvalid', `${flag} is empty`);
  return value;
}

function describe(flag: Flag): string {
  const defaults = flag.fallback ? `, default ${flag.fallback}` : '';
  return `${flag.description} (env ${flag.env.join(' or ')}${defaults})`;
}
