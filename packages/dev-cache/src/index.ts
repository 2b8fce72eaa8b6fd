export { cacheRoot } from './cache-root.js';
export { DevCacheError, type DevCacheErrorCode } from './errors.js';
export { ensureGo, cachedGoDir, type EnsuredGo, type EnsureGoOptions } from './go/ensure-go.js';
export { GoPins } from './go/go-pins.js';
export { goEnv, runGo } from './go/run-go.js';
export { ensureKubernetesOpenApi, CORE_V1_OPENAPI_DOCUMENT } from './kubernetes-openapi.js';
export {
  FIXTURES_ENV,
  defaultFixturePlaces,
  type FixturePlaces,
} from './upstream-fixtures/fixture-places.js';
export {
  MANIFEST_FILE,
  loadFixtureManifest,
  type FixtureFile,
  type FixtureManifest,
  type FixtureSource,
} from './upstream-fixtures/manifest.js';
export {
  resolveFixture,
  fixtureUrl,
  type ResolvedFixture,
  type FixtureOrigin,
} from './upstream-fixtures/resolve-fixtures.js';
export { upstreamFixtures, type UpstreamFixtureSet } from './upstream-fixtures/upstream-fixtures.js';
