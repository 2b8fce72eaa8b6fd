#!/usr/bin/env node
/**
 * `spinkube-dev-cache`: fills the cache ahead of a run and says where things come from.
 *   go        prints the Go used for tool builds, installing the pinned toolchain when needed
 *   fixtures  resolves every pinned upstream fixture (or those below a directory) and prints each origin
 *   openapi   prints the directory holding Kubernetes' core/v1 OpenAPI document for a version
 */
import { Command } from 'commander';
import { ensureGo } from './go/ensure-go.js';
import { ensureKubernetesOpenApi } from './kubernetes-openapi.js';
import { upstreamFixtures } from './upstream-fixtures/upstream-fixtures.js';

const log = (line: string) => process.stderr.write(`dev-cache: ${line}\n`);

const program = new Command('spinkube-dev-cache')
  .description('fetches what builds and tests need into ~/.cache/spinkube ($SPINKUBE_CACHE)')
  .showHelpAfterError();

program
  .command('go')
  .description(
    'print the go binary used for tool builds (the machine Go if new enough, else the pinned toolchain)',
  )
  .action(async () => {
    const { go, version, source } = await ensureGo({ log });
    log(`${version} (${source})`);
    process.stdout.write(`${go}\n`);
  });

program
  .command('fixtures')
  .argument('[dir]', 'only the fixtures below this directory', '')
  .description('resolve the pinned upstream fixtures and print where each came from')
  .action(async (dir: string) => {
    const set = await upstreamFixtures(dir);
    for (const fixture of set.resolved) process.stdout.write(`${fixture.origin.padEnd(8)} ${fixture.path}\n`);
  });

program
  .command('openapi')
  .argument('<version>', 'Kubernetes version, e.g. v1.34.3')
  .description("print the directory holding Kubernetes' core/v1 OpenAPI document")
  .action(async (version: string) => {
    process.stdout.write(`${await ensureKubernetesOpenApi(version, log)}\n`);
  });

try {
  await program.parseAsync();
} catch (error) {
  process.stderr.write(`spinkube-dev-cache: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
