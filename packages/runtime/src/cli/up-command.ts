/**
 * `spinkube-runtime up`: serves a Spin app, with `spin up`'s flags where they apply and the env variables
 * the shim sets in a pod (`SPIN_HTTP_LISTEN_ADDR`, `SPIN_COMPONENTS_TO_RETAIN`, `SPIN_VARIABLE_*`).
 */
import { dirname, join, resolve } from 'node:path';
import { statSync } from 'node:fs';
import { Command } from 'commander';
import { loadApp } from '../app/load-app.js';
import { isOciReference } from '@spinkube/oci';
import { DEFAULT_REQUEST_TIMEOUT_MS, serveApp } from '../app/serve-app.js';
import { servingBanner } from '../app/serving-banner.js';
import { DEFAULT_LISTEN, parseListenAddress } from './listen-address.js';

interface UpOptions {
  from: string;
  listen?: string;
  runtimeConfigFile?: string;
  stateDir?: string;
  componentId: string[];
  workers?: string;
  keyValue: string[];
  env: string[];
  requestTimeout?: string;
}

const program = new Command('spinkube-runtime')
  .description('Run Spin applications on V8')
  .showHelpAfterError();

program
  .command('up')
  .description('serve a Spin application')
  .option(
    '-f, --from <path>',
    'the app: a spin.toml file, a directory holding one, or a registry reference',
    '.',
  )
  .option(
    '--listen <host:port>',
    `address to serve on (default: $SPIN_HTTP_LISTEN_ADDR or ${DEFAULT_LISTEN})`,
  )
  .option('--runtime-config-file <path>', 'runtime config (default: /runtime-config.toml when present)')
  .option(
    '--state-dir <path>',
    'where default stores and the component cache live (default: <app dir>/.spin)',
  )
  .option(
    '--component-id <id>',
    'serve only this component; repeat for more (also SPIN_COMPONENTS_TO_RETAIN)',
    collect,
    [],
  )
  .option(
    '--key-value <key=value>',
    'set a value in the default key-value store before serving; repeatable',
    collect,
    [],
  )
  .option(
    '-e, --env <name=value>',
    'set an environment variable for every component; repeatable',
    collect,
    [],
  )
  .option('--workers <n>', 'worker threads running guests (default: the number of CPUs, at least 2)')
  .option(
    '--request-timeout <seconds>',
    `stop a request (and its instance) after this long (default: ${String(DEFAULT_REQUEST_TIMEOUT_MS / 1000)})`,
  )
  .action(async (options: UpOptions) => {
    const fromRegistry = isOciReference(options.from);
    const from = fromRegistry ? options.from : resolve(options.from);
    // An app pulled from a registry keeps its state where `up` runs, as `spin up` does.
    const appDir = fromRegistry
      ? process.cwd()
      : statSync(from, { throwIfNoEntry: false })?.isDirectory()
        ? from
        : dirname(from);
    const retain =
      options.componentId.length > 0
        ? options.componentId
        : splitList(process.env['SPIN_COMPONENTS_TO_RETAIN']);
    const listen = parseListenAddress(
      options.listen ?? process.env['SPIN_HTTP_LISTEN_ADDR'] ?? DEFAULT_LISTEN,
    );
    const trigger = await serveApp(
      loadApp({
        from,
        stateDir: resolve(options.stateDir ?? join(appDir, '.spin')),
        ...(options.runtimeConfigFile ? { runtimeConfigFile: options.runtimeConfigFile } : {}),
        ...(retain.length > 0 ? { componentIds: retain } : {}),
        environment: options.env.map((entry) => pair(entry, '--env')),
        ...optional(
          'maxInstanceMemory',
          positiveNumber(process.env['SPIN_MAX_INSTANCE_MEMORY'], 'SPIN_MAX_INSTANCE_MEMORY'),
        ),
      }),
      {
        host: listen.host,
        port: listen.port,
        ...optional('workers', positiveNumber(options.workers, '--workers')),
        ...optional('requestTimeoutMs', seconds(options.requestTimeout)),
        keyValues: options.keyValue.map((entry) => pair(entry, '--key-value')),
      },
    );
    const app = trigger.app;
    for (const duplicate of app.router.duplicates) {
      process.stderr.write(
        `warning: route "${duplicate.route}" of "${duplicate.replacedComponent}" is unreachable: "${duplicate.effectiveComponent}" uses it too\n`,
      );
    }
    // One write, so whoever reads the banner (people, the shim, tests) sees it whole.
    process.stdout.write(servingBanner(trigger.url, app.router));
    const stop = () => {
      void trigger.close().then(() => process.exit(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

function pair(entry: string, flag: string): [string, string] {
  const equals = entry.indexOf('=');
  if (equals <= 0) throw new Error(`${flag} takes name=value, not "${entry}"`);
  return [entry.slice(0, equals), entry.slice(equals + 1)];
}

/** `{ key: value }`, or nothing when the value is absent (exactOptionalPropertyTypes). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function positiveNumber(value: string | undefined, what: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0)
    throw new Error(`${what} must be a positive integer, not "${value}"`);
  return number;
}

function seconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    throw new Error(`--request-timeout must be a positive number of seconds, not "${value}"`);
  }
  return Math.round(number * 1000);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
