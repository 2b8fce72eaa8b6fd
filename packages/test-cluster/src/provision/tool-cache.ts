/** Where built tools live: outside the repository, one directory per tool and version. */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$SPINKUBE_CACHE`, else `~/.cache/spinkube` (the same root scripts/setup.sh uses). */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env['SPINKUBE_CACHE'] ?? join(homedir(), '.cache', 'spinkube');
}

export function toolDir(tool: string, version: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), tool, version);
}
