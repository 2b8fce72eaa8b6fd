/** What tests use: every pinned fixture below a directory, resolved up front, then read synchronously. */
import { DevCacheError } from '../errors.js';
import { loadFixtureManifest } from './manifest.js';
import { resolveFixture, type ResolveOptions, type ResolvedFixture } from './resolve-fixtures.js';

export interface UpstreamFixtureSet {
  /** Names below the directory, as the manifest lists them (`simple.yaml`, `elsewhere/redis.yaml`). */
  readonly names: readonly string[];
  /** Absolute path of a verified copy. */
  path(name: string): string;
  text(name: string): string;
  /** Where each came from, for `spinkube-dev-cache fixtures`. */
  readonly resolved: readonly ResolvedFixture[];
}

/**
 * Resolves every fixture below `dir` (e.g. `spin-operator-samples`). Fails with the first fixture that
 * cannot be had, naming it and the places tried; a test file calls it at top level, so such a file fails
 * with that one message.
 */
export async function upstreamFixtures(
  dir: string,
  options: ResolveOptions = {},
): Promise<UpstreamFixtureSet> {
  const manifest = options.manifest ?? loadFixtureManifest();
  const prefix = dir === '' ? '' : `${dir.replace(/\/+$/, '')}/`;
  const files = manifest.files.filter((file) => file.path.startsWith(prefix));
  if (files.length === 0) {
    throw new DevCacheError('FixtureUnknown', `${manifest.file} lists no upstream fixture below ${dir}/`);
  }
  const resolved = await Promise.all(files.map((file) => resolveFixture(file, { ...options, manifest })));
  const byName = new Map(resolved.map((fixture) => [fixture.file.path.slice(prefix.length), fixture]));
  const get = (name: string): ResolvedFixture => {
    const fixture = byName.get(name);
    if (!fixture) {
      throw new DevCacheError(
        'FixtureUnknown',
        `${prefix}${name} is not in ${manifest.file}: add it there (path, upstream path, sha256) before a test reads it`,
      );
    }
    return fixture;
  };
  return {
    names: [...byName.keys()],
    path: (name) => get(name).path,
    text: (name) => get(name).bytes.toString('utf8'),
    resolved,
  };
}
