/** The three places an upstream fixture is looked for, in order. */
import { join } from 'node:path';
import { cacheRoot } from '../cache-root.js';

/** Names a directory holding a copy of the fixtures (the layout of shared/fixtures/upstream/). */
export const FIXTURES_ENV = 'SPINKUBE_UPSTREAM_FIXTURES';

export interface FixturePlaces {
  /** `$SPINKUBE_UPSTREAM_FIXTURES`, when set. */
  readonly envDir: string | undefined;
  /** `../shared/fixtures/upstream/` beside the repository. */
  readonly sharedDir: string;
  /** Where downloaded fixtures are kept. */
  readonly cacheDir: string;
  /** Downloads go to `<base>/<owner>/<repo>/raw/<commit>/<path>`. */
  readonly downloadBase: string;
}

const REPOSITORY_ROOT = new URL('../../../../', import.meta.url).pathname;

export function defaultFixturePlaces(env: NodeJS.ProcessEnv = process.env): FixturePlaces {
  return {
    envDir: env[FIXTURES_ENV] || undefined,
    sharedDir: join(REPOSITORY_ROOT, '..', 'shared', 'fixtures', 'upstream'),
    cacheDir: join(cacheRoot(env), 'upstream-fixtures'),
    downloadBase: 'https://github.com',
  };
}
