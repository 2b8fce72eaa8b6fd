// Lints .github/workflows with actionlint (built from the Go module proxy into the tool cache on first use;
// it also runs shellcheck on `run:` scripts when shellcheck is on PATH, as scripts/setup.sh installs it).
import { spawnSync } from 'node:child_process';
import { actionlintTool, binaryPath, ensureTool } from '@spinkube/test-cluster';

const log = (line: string) => process.stderr.write(`[actionlint] ${line}\n`);
const actionlint = binaryPath(await ensureTool(actionlintTool, log), 'actionlint');
const result = spawnSync(actionlint, ['-color'], {
  cwd: new URL('..', import.meta.url).pathname,
  stdio: 'inherit',
});
if (result.status === 0) process.stdout.write('actionlint: .github/workflows passed\n');
process.exitCode = result.status ?? 1;
