export { RuntimeError, formatLocation, type RuntimeErrorCode, type SourceLocation } from './errors.js';
export { parseListenAddress, type ListenAddress } from './cli/listen-address.js';
export { loadManifest, parseManifest, DEFAULT_MANIFEST_FILE } from './manifest/load-manifest.js';
export { parseTemplate, renderTemplate, templateReferences, type TemplatePart } from './manifest/template.js';
export type * from './manifest/types.js';
export {
  Router,
  basedRoute,
  WELL_KNOWN_PREFIX,
  type RouteMatch,
  type DuplicateRoute,
} from './http/router.js';
export { spinRequestHeaders, SpinHeaders, type RequestContext } from './http/spin-headers.js';
export {
  defaultRuntimeConfig,
  loadRuntimeConfig,
  parseRuntimeConfig,
  DEFAULT_VARIABLE_PREFIX,
  type RuntimeConfig,
  type KeyValueStoreConfig,
  type SqliteDatabaseConfig,
  type EnvVariablesProvider,
  type LlmComputeConfig,
} from './config/runtime-config.js';
export { resolveVariables, type ResolvedVariables } from './config/variables.js';
export {
  parseAllowedHost,
  isAllowed,
  outboundTarget,
  ALLOW_ALL,
  type AllowedHost,
  type OutboundTarget,
} from './outbound/allowed-hosts.js';
export { compileComponent, type CompiledComponent } from './component/compiled-component.js';
export { componentImports, unsupportedImports } from './component/component-imports.js';
export { createHostImports, PROVIDED_INTERFACES, type ComponentHostContext } from './host/host-imports.js';
export {
  startHttpTrigger,
  dispatchInternal,
  type HttpTriggerOptions,
  type ListenTarget,
  type RunningHttpTrigger,
} from './http/http-server.js';
export {
  WorkerPool,
  type AppHost,
  type HostCallScope,
  type PooledApp,
  type RequestExecutor,
  type RunOutcome,
  type WorkerPoolOptions,
} from './engine/worker-pool.js';
export { setWorkerEntry, workerEntry } from './engine/worker-entry.js';
export type { CallHandlers } from './engine/sync-call.js';
export type { AppCode, AppStores, ComponentPlan } from './engine/worker-protocol.js';
export { loadApp, POD_RUNTIME_CONFIG, type LoadAppOptions, type LoadedApp } from './app/load-app.js';
export {
  serveApp,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type ServeOptions,
  type ServeSettings,
  type ServedApp,
} from './app/serve-app.js';
export { resolveComponentFiles, type ResolvedFile } from './files/resolve-files.js';
export { pushApp, type PushOptions } from './oci/push-app.js';
export { pullApp, pullOciApp, type PullOptions, type PulledApp } from './oci/pull-app.js';
export {
  lockedAppFromLayers,
  type ArtifactLayers,
  type ArtifactLayersOptions,
  type OciApp,
} from './oci/artifact-layers.js';
export { assembleApp, type AssembledApp } from './oci/assemble-app.js';
export { parseLockedApp, serializeLockedApp } from './oci/locked-app.js';
export type * from './oci/locked-app.js';
export { appManifestFromLockedApp, type LockedContentPaths } from './oci/app-from-lock.js';
export { lockedAppFromManifest } from './oci/lock-from-app.js';
export { servingBanner } from './app/serving-banner.js';
