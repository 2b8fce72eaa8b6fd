export {
  renderRuntimeConfig,
  runtimeConfigSecretName,
  RuntimeConfigError,
  type ResolvedBackend,
  type ResolvedRuntimeConfig,
} from './render/runtime-config.js';
export {
  renderDeployment,
  renderService,
  secretOwnerReference,
  WorkloadError,
  type WorkloadInputs,
  type SpinAppWithSpec,
  type ExecutorWithSpec,
} from './render/workload.js';
export { renderProbe, ProbeError } from './render/probes.js';
export {
  resolveRuntimeConfig,
  RuntimeConfigResolveError,
  type ObjectDataReader,
} from './render/resolve-runtime-config.js';
export { computeStatus, type StatusInputs } from './reconcile/status.js';
export {
  defaultCaBundle,
  renderCaSecret,
  MANAGED_BY_ANNOTATION,
  MANAGED_BY_OPERATOR,
} from './render/ca-secret.js';
export { renderRuntimeConfigSecret } from './render/runtime-config-secret.js';
export {
  SpinAppReconciler,
  ReconcileError,
  describe as describeApiError,
  type ClusterView,
  type EventSink,
  type SpinAppReconcilerOptions,
} from './reconcile/spinapp-reconciler.js';
export { SpinAppExecutorReconciler, type ExecutorView } from './reconcile/executor-reconciler.js';
export {
  admissionHandlers,
  WebhookPaths,
  WebhookNames,
  DEPLOYMENT_CONFIG_REQUIRED,
  type WebhookDependencies,
} from './webhooks/handlers.js';
