// Prints one digest of ../shared/fixtures so nx re-runs cached tests when the upstream fixtures change.
// The fixtures live outside the workspace, where nx file inputs cannot reach.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('../../shared/fixtures', import.meta.url).pathname;
const hash = createHash('sha256');
function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else hash.update(relative(root, path)).update('\0').update(readFileSync(path));
  }
}
if (existsSync(root)) walk(root);
process.stdout.write(hash.digest('hex'));
