// Public API of @spinkube/controller; each module adds its exports here.

// Informers: list + watch with a self-healing cache.
export { Informer, type InformerOptions, type InformerEvent } from './informer/informer.js';
export { collectionPath, objectKey, type ResourceType } from './informer/resource-path.js';

// Work queues (client-go semantics) and rate limiters.
export { SHUT_DOWN, WorkQueue, type QueueItem, type WorkQueueOptions } from './workqueue/queue.js';
export { DelayingQueue } from './workqueue/delaying-queue.js';
export { RateLimitingQueue, type RateLimitingQueueOptions } from './workqueue/rate-limiting-queue.js';
export {
  BucketRateLimiter,
  DEFAULT_BASE_DELAY_MS,
  DEFAULT_BURST,
  DEFAULT_MAX_DELAY_MS,
  DEFAULT_QPS,
  defaultControllerRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  type RateLimiter,
} from './workqueue/rate-limiter.js';
export { monotonicClock, type Clock } from './workqueue/clock.js';
export type {
  InProgressWork,
  WorkQueueInstruments,
  WorkQueueMetricsProvider,
} from './workqueue/queue-metrics.js';

// Metrics: controller-runtime's reconcile and work queue metrics on a per-manager registry, and /metrics.
export { ControllerMetrics, type ControllerMetricsOptions } from './metrics/controller-metrics.js';
export {
  RECONCILE_RESULTS,
  RECONCILE_TIME_BUCKETS,
  type ReconcileErrorDetail,
  type ReconcileResult,
} from './metrics/reconcile-metrics.js';
export { WORKQUEUE_DURATION_BUCKETS } from './metrics/workqueue-metrics.js';
export { metricValue } from './metrics/metric-value.js';
export { parseBindAddress, type BindAddress } from './metrics/bind-address.js';
export {
  DEFAULT_METRICS_BIND_ADDRESS,
  METRICS_PATH,
  startMetricsServer,
  type MetricsServerOptions,
  type RunningMetricsServer,
} from './metrics/metrics-server.js';

// Leader election (coordination.k8s.io/v1 Lease), health probes (/healthz, /readyz) and the Event recorder.
export {
  defaultIdentity,
  LEADER_ELECTION_DEFAULTS,
  LeaderElector,
  type LeaderCallbacks,
  type LeaderElectorOptions,
  type StoppedLeadingReason,
} from './leader/leader-elector.js';
export { isConflict, leaseLock, type LeaseLock } from './leader/lease-lock.js';
export type { LeaderRecord } from './leader/lease-record.js';
export {
  DEFAULT_HEALTH_PROBE_BIND_ADDRESS,
  HealthProbeServer,
  type HealthCheck,
  type HealthProbeServerOptions,
  type Probe,
} from './health/health-probe-server.js';
export { informersSynced, type Syncable } from './health/checks.js';
export { EventRecorder, type EventRecorderOptions } from './events/event-recorder.js';
export type { EventSource, EventType } from './events/core-event.js';

// Admission webhooks: an HTTPS server for AdmissionReviews, certificates kept in a Secret without
// cert-manager (with caBundle injection), or read from a mounted directory, and configuration builders.
export {
  ADMISSION_API_VERSIONS,
  type AdmissionHandler,
  type AdmissionOperation,
  type AdmissionRequest,
  type AdmissionResponse,
  type AdmissionReview,
  type AdmissionStatus,
  type GroupVersionKind,
  type GroupVersionResource,
  jsonPatch,
  reviewResponse,
} from './webhook/admission-review.js';
export {
  DEFAULT_MAX_REQUEST_BYTES,
  DEFAULT_WEBHOOK_PORT,
  WebhookServer,
  type WebhookServerOptions,
} from './webhook/webhook-server.js';
export type { CertificateSource, ServingCertificate } from './webhook/serving-certificate.js';
export {
  WEBHOOK_CERTIFICATE_DEFAULTS,
  WebhookCertificates,
  type IssueAction,
  type WebhookCertificatesOptions,
} from './webhook/webhook-certificates.js';
export {
  CaBundleInjector,
  type CaBundleInjectorOptions,
  type InjectionResult,
} from './webhook/ca-bundle-injector.js';
export {
  CertificateDirectory,
  DEFAULT_WEBHOOK_CERT_DIR,
  type CertificateDirectoryOptions,
} from './webhook/certificate-directory.js';
export {
  planCertificates,
  SECRET_KEYS,
  type CertificatePlan,
  type CertificateRequirements,
  type StoredCertificates,
} from './webhook/certificate-plan.js';
export {
  mutatingWebhookConfiguration,
  validatingWebhookConfiguration,
  type WebhookConfigurationOptions,
  type WebhookDefinition,
  type WebhookTarget,
} from './webhook/webhook-configuration.js';

// client-node's API errors: the HTTP status, and a one-line account with the API server's message.
export { describeError, statusCode } from './leader/api-request.js';

// Connection reuse for client-node's typed clients (one pool per server and identity).
export { closeSharedConnections, shareConnections } from './client/shared-connections.js';

// Controllers and the manager that runs them (informers shared, controllers on the leader only).
export {
  Controller,
  requestFromKey,
  TerminalError,
  type ControllerOptions,
  type ReconcileContext,
  type ReconcileFunction,
  type ReconcileOutcome,
  type ReconcileRequest,
} from './controller/controller.js';
export {
  Manager,
  type ControllerRegistration,
  type LeaderElectionConfig,
  type ManagerOptions,
  type Runnable,
  stripManagedFields,
} from './manager/manager.js';
export { controllerOwnerKey, selfKey, type KeyMapper } from './manager/event-mappers.js';

// Structured JSON logs (controller-runtime's zap shape).
export {
  createLogger,
  LOG_LEVELS,
  parseLogLevel,
  silentLogger,
  type LogLevel,
  type Logger,
  type LoggerOptions,
} from './log/logger.js';

// Flag values in upstream's syntax, and the flags every manager has.
export { parseGoDuration } from './flags/go-duration.js';
export {
  addManagerFlags,
  argument,
  boolFlag,
  goBool,
  loadManagerKubeConfig,
  positiveInteger,
  type ManagerCliOptions,
  type ManagerFlagDefaults,
} from './flags/manager-flags.js';
