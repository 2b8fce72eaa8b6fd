/** Where fetched and built things live: outside the repository, shared by every checkout of the user. */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$SPINKUBE_CACHE`, else `~/.cache/spinkube` (the same root scripts/setup.sh uses). */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env['SPINKUBE_CACHE'] ?? join(homedir(), '.cache', 'spinkube');
}
