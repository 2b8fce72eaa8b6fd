/**
 * Names that every SpinKube component agrees on. Upstream values are a compatibility contract:
 * changing one breaks manifests, selectors or nodes that already exist.
 */
import {
  LOCKED_APP_DIGEST_LABEL,
  OCI_IMAGE_CONFIG,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
  SPIN_ARCHIVE_LAYER,
  SPIN_DATA_LAYER,
  SPIN_LOCKED_APP,
  SPIN_WASM_LAYER,
  WKG_WASM_LAYER,
} from '@spinkube/oci';

/** API group of SpinApp and SpinAppExecutor (spin-operator). */
export const CORE_GROUP = 'core.spinkube.dev';
/** API group of Shim (runtime-class-manager). */
export const RUNTIME_GROUP = 'runtime.spinkube.dev';
export const API_VERSION_V1ALPHA1 = 'v1alpha1';
export const CORE_API_VERSION = `${CORE_GROUP}/${API_VERSION_V1ALPHA1}`;
export const RUNTIME_API_VERSION = `${RUNTIME_GROUP}/${API_VERSION_V1ALPHA1}`;

export const Kinds = {
  SpinApp: 'SpinApp',
  SpinAppExecutor: 'SpinAppExecutor',
  Shim: 'Shim',
} as const;
export type KindName = (typeof Kinds)[keyof typeof Kinds];

/** Labels the operator puts on the objects it creates (upstream `pkg/spinapp` constants). */
export const Labels = {
  /** `core.spinkube.dev/app-name=<app>` on the Deployment, Service, pods and runtime-config Secret. */
  appName: `${CORE_GROUP}/app-name`,
  /** `core.spinkube.dev/app.<app>.status=ready`: the only label the Service selects on. */
  appStatus: (appName: string): string => `${CORE_GROUP}/app.${appName}.status`,
  /** Value of the status label. */
  statusReady: 'ready',
} as const;

/** Annotations written by the platform. */
export const Annotations = {
  /** On the CA bundle Secret the operator creates (an annotation upstream, not a label). */
  managedBy: 'app.kubernetes.io/managed-by',
  managedByOperatorValue: 'spin-operator.spinkube.dev',
} as const;

/** Labels and annotations on the runtime-class-manager's node Jobs (upstream's keys). */
export const ShimJobKeys = {
  shimName: 'spinkube.dev/shimName',
  operation: 'spinkube.dev/operation',
  nodeName: 'spinkube.dev/nodeName',
  job: 'spinkube.dev/job',
} as const;

/** Values of the `<shim name>` label the runtime-class-manager keeps on each selected node. */
export const ShimNodeStates = {
  pending: 'pending',
  provisioned: 'provisioned',
  failed: 'failed',
  uninstall: 'uninstall',
} as const;
export type ShimNodeState = (typeof ShimNodeStates)[keyof typeof ShimNodeStates];

export const Finalizers = {
  /** Blocks deletion of a SpinAppExecutor while SpinApps in its namespace use it. */
  spinAppExecutor: `${CORE_GROUP}/finalizer`,
  /** Lets the runtime-class-manager uninstall a Shim from nodes before the Shim goes away. */
  shim: 'rcm.spinkube.dev/finalizer',
} as const;

/** Field managers used for server-side apply, as upstream. */
export const FieldManagers = {
  operator: 'spin-operator',
  runtimeClassManager: 'shim-operator',
} as const;

/** Names fixed for this platform (design.md, compatibility contract). */
export const PlatformNames = {
  /** RuntimeClass that SpinApps run under. */
  runtimeClass: 'wasmtime-spin-v2',
  /** The Shim resource name, which is also the CRI handler and the node label key. */
  shim: 'spin-v2',
  /** CRI handler registered in containerd; equals the Shim name. */
  runtimeHandler: 'spin-v2',
  /** The executable containerd runs for runtime type `io.containerd.spin.v2`. */
  shimBinary: 'containerd-shim-spin-v2',
  /** containerd runtime type. */
  runtimeType: 'io.containerd.spin.v2',
  /** The SpinAppExecutor that runs apps through the shim. */
  shimExecutor: 'containerd-shim-spin',
  /** The SpinAppExecutor that runs apps in a container with `spin up`. */
  spintainerExecutor: 'spintainer',
  /** Default name of the CA bundle Secret the operator installs. */
  defaultCaSecret: 'spin-ca',
} as const;

/** Objects and ports the operator renders (upstream `pkg/spinapp`). */
export const Workload = {
  httpPortName: 'http-app',
  httpPort: 80,
  runtimeConfigKey: 'runtime-config.toml',
  runtimeConfigVolume: 'spin-runtime-config',
  runtimeConfigMountPath: '/runtime-config.toml',
  caCertificatesKey: 'ca-certificates.crt',
  caVolume: 'spin-ca',
  caMountPath: '/etc/ssl/certs/ca-certificates.crt',
  /** Prefix that turns a SpinApp variable into an env var: `SPIN_VARIABLE_<UPPER(name)>`. */
  variableEnvPrefix: 'SPIN_VARIABLE_',
} as const;

/** Environment variables the shim and the runtime honour (containerd-shim-spin contract). */
export const SpinEnv = {
  httpListenAddr: 'SPIN_HTTP_LISTEN_ADDR',
  /** Default listen address inside a pod. */
  httpListenAddrDefault: '0.0.0.0:80',
  variablePrefix: 'SPIN_VARIABLE_',
  componentsToRetain: 'SPIN_COMPONENTS_TO_RETAIN',
  maxInstanceMemory: 'SPIN_MAX_INSTANCE_MEMORY',
  otelEndpoint: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  otelTracesEndpoint: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  otelMetricsEndpoint: 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  otelLogsEndpoint: 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT',
} as const;

/** Path of the runtime config file the shim reads from the container rootfs. */
export const RUNTIME_CONFIG_PATH = '/runtime-config.toml';

/** OCI media types of Spin artifacts (`spin registry push`) and related wasm layers (from @spinkube/oci). */
export const OciMediaTypes = {
  imageManifest: OCI_IMAGE_MANIFEST,
  imageIndex: OCI_IMAGE_INDEX,
  imageConfig: OCI_IMAGE_CONFIG,
  /** A component's wasm. */
  wasmLayer: SPIN_WASM_LAYER,
  /** A single wasm pushed by `wkg oci push`. */
  wasmWkgLayer: WKG_WASM_LAYER,
  /** A tar+gzip archive of static files (`SPIN_OCI_ARCHIVE_LAYERS=1`). */
  archiveLayer: SPIN_ARCHIVE_LAYER,
  /** A single static file. */
  dataLayer: SPIN_DATA_LAYER,
  /** The locked app (spin.lock JSON). */
  lockedApp: SPIN_LOCKED_APP,
} as const;

/** The layer media types the shim accepts, in upstream's order. */
export const SPIN_LAYER_MEDIA_TYPES: readonly string[] = [
  OciMediaTypes.wasmLayer,
  OciMediaTypes.wasmWkgLayer,
  OciMediaTypes.archiveLayer,
  OciMediaTypes.dataLayer,
  OciMediaTypes.lockedApp,
];

/** Image config label that carries the digest of the locked-app layer. */
export { LOCKED_APP_DIGEST_LABEL };

/** Leader election lease names, as upstream. */
export const LeaderElectionIds = {
  operator: '90ba2d18.spinkube.dev',
  runtimeClassManager: '7584d300.spinkube.dev',
} as const;
