#!/usr/bin/env node
/**
 * `npm run provision -w @spinkube/test-cluster`: builds every pinned tool the local cluster and the chart
 * tests need into the cache (nothing is rebuilt when present) and prints what each cost.
 */
import { ensureTool, LOCAL_CLUSTER_TOOLS } from './tools.js';

const log = (line: string) => process.stderr.write(`${line}\n`);

try {
  for (const tool of LOCAL_CLUSTER_TOOLS) {
    const provisioned = await ensureTool(tool, log);
    const how = provisioned.buildSeconds > 0 ? `built in ${provisioned.buildSeconds.toFixed(0)} s` : 'cached';
    process.stdout.write(`${tool.name} ${tool.version}: ${how} (${provisioned.dir})\n`);
  }
} catch (error) {
  process.stderr.write(`provision: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
