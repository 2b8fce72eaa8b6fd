#!/usr/bin/env node
/**
 * `spinkube-runtime up`: serves a Spin app, with `spin up`'s flags where they apply and the env variables
 * the shim sets in a pod (`SPIN_HTTP_LISTEN_ADDR`, `SPIN_COMPONENTS_TO_RETAIN`, `SPIN_VARIABLE_*`).
 */
import { dirname, join, resolve } from 'node:path';
import { statSync } from 'node:fs';
import { Command } from 'commander';
import { loadApp } from '../app/load-app.js';
import { startHttpTrigger } from '../http/http-server.js';
import { DEFAULT_LISTEN, parseListenAddress } from './listen-address.js';

interface UpOptions {
  from: string;
  listen?: string;
  runtimeConfigFile?: string;
  stateDir?: string;
  componentId: string[];
}

const program = new Command('spinkube-runtime')
  .description('Run Spin applications on V8')
  .showHelpAfterError();

program
  .command('up')
  .description('serve a Spin application')
  .option('-f, --from <path>', 'the app: a spin.toml file, or a directory holding one', '.')
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
  .action(async (options: UpOptions) => {
    const from = resolve(options.from);
    const appDir = statSync(from, { throwIfNoEntry: false })?.isDirectory() ? from : dirname(from);
    const retain =
      options.componentId.length > 0
        ? options.componentId
        : splitList(process.env['SPIN_COMPONENTS_TO_RETAIN']);
    const listen = parseListenAddress(
      options.listen ?? process.env['SPIN_HTTP_LISTEN_ADDR'] ?? DEFAULT_LISTEN,
    );
    const app = await loadApp({
      from,
      stateDir: resolve(options.stateDir ?? join(appDir, '.spin')),
      ...(options.runtimeConfigFile ? { runtimeConfigFile: options.runtimeConfigFile } : {}),
      ...(retain.length > 0 ? { componentIds: retain } : {}),
    });
    const trigger = await startHttpTrigger(
      {
        router: app.router,
        components: app.components,
        basePath: app.manifest.application.httpBase,
        appName: app.manifest.application.name,
        ...(app.manifest.application.version ? { appVersion: app.manifest.application.version } : {}),
        onGuestError: (component, error) => {
          process.stderr.write(`[${component}] ${error instanceof Error ? error.message : String(error)}\n`);
        },
      },
      listen.host,
      listen.port,
    );
    for (const duplicate of app.router.duplicates) {
      process.stderr.write(
        `warning: route "${duplicate.route}" of "${duplicate.replacedComponent}" is unreachable: "${duplicate.effectiveComponent}" uses it too\n`,
      );
    }
    // One write, so whoever reads the banner (people, the shim, tests) sees it whole.
    const routes = app.router.routes().map((route) => {
      const path = route.display === '/' ? '' : route.display;
      return `  ${route.componentId}: ${trigger.url}${path}\n`;
    });
    process.stdout.write(`Serving ${trigger.url}\nAvailable Routes:\n${routes.join('')}`);
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

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
