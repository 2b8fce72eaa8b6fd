#!/usr/bin/env node
/**
 * `npx nx run api:generate`: writes the CRD YAML the charts install. With `--check`, writes nothing and
 * exits 1 if a committed file differs from what the types produce.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { CRD_OUTPUT_DIR, generateCrdFiles } from '../crd/generate-crds.js';
import { repositoryRoot } from './repository-root.js';

const { values } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    'Usage: generate [--check]\n\n' +
      `Writes the SpinKube CRDs to ${CRD_OUTPUT_DIR}/ from the @spinkube/api types.\n` +
      '  --check   write nothing; exit 1 if a committed CRD is stale\n',
  );
  process.exit(0);
}

try {
  const root = repositoryRoot();
  const outputDir = join(root, CRD_OUTPUT_DIR);
  const stale: string[] = [];
  for (const [fileName, content] of generateCrdFiles()) {
    const path = join(outputDir, fileName);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (current === content) continue;
    stale.push(relative(root, path));
    if (!values.check) {
      mkdirSync(outputDir, { recursive: true });
      writeFileSync(path, content);
    }
  }
  if (values.check && stale.length > 0) {
    process.stderr.write(
      `stale generated CRDs (run \`npx nx run api:generate\`):\n  ${stale.join('\n  ')}\n`,
    );
    process.exit(1);
  }
  process.stdout.write(
    stale.length === 0
      ? 'CRDs are up to date\n'
      : `wrote ${stale.length} CRD file(s):\n  ${stale.join('\n  ')}\n`,
  );
} catch (error) {
  process.stderr.write(`generate: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
