export { RuntimeError, formatLocation, type RuntimeErrorCode, type SourceLocation } from './errors.js';
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
  type HttpTriggerOptions,
  type RunningHttpTrigger,
  type ServedComponent,
} from './http/http-server.js';
export { loadApp, POD_RUNTIME_CONFIG, type LoadAppOptions, type LoadedApp } from './app/load-app.js';
