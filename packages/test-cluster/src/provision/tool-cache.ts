/** Where built tools live: outside the repository, one directory per tool and version. */
import { join } from 'node:path';
import { cacheRoot } from '@spinkube/dev-cache';

export { cacheRoot };

export function toolDir(tool: string, version: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), tool, version);
}
