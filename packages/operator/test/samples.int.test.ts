/**
 * Upstream's `config/samples` (and the redis sample of `apps/redis-sample/README.md`) applied to a real
 * cluster with the real `spin-operator` binary running against it, without webhooks, so nothing is defaulted:
 * every SpinApp sample names its executor and, unless it autoscales, its replicas. Each sample's Deployment,
 * Service and Secrets are compared field by field with what upstream renders (reference §2.3–2.7). The
 * expected objects are written out here from the reference, never produced by the operator's renderer.
 *
 * Server-side defaults (strategy, dnsPolicy, `protocol: TCP`, `defaultMode: 420`, …) are removed from what is
 * read back only when they hold the API server's default value, so anything the operator sets beyond
 * upstream's rendering still fails the comparison.
 *
 * Not applied: `keda-scaledobject.yaml` (KEDA's CRDs are not installed; `keda-app.yaml`'s SpinApp is), and
 * `kustomization.yaml` (a list of the other files). `volume-mount.yaml`'s PersistentVolume is cluster-scoped:
 * it is created as `pv-volume-<namespace>`, pre-bound to this namespace's claim, and removed afterwards.
 */
import { X509Certificate } from 'node:crypto';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  NodeV1Api,
  type KubernetesObject,
  type V1Container,
  type V1Deployment,
  type V1EnvVar,
  type V1OwnerReference,
  type V1RuntimeClass,
  type V1Probe,
  type V1Secret,
  type V1Service,
  type V1Volume,
  type V1VolumeMount,
} from '@kubernetes/client-node';
import type { SpinApp } from '@spinkube/api';
import { useNamespace } from '@spinkube/test-cluster/vitest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startOperatorProcess, type OperatorProcess } from './operator-process.js';
import { sampleText } from './upstream-samples.js';

const { kubeConfig, kubeconfigPath, namespace } = useNamespace('samples');
const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
const apps = kubeConfig.makeApiClient(AppsV1Api);
const core = kubeConfig.makeApiClient(CoreV1Api);
const custom = kubeConfig.makeApiClient(CustomObjectsApi);
const node = kubeConfig.makeApiClient(NodeV1Api);
const group = { group: 'core.spinkube.dev', version: 'v1alpha1' } as const;
const WAIT = { timeout: 30_000, interval: 100 };

let operator: OperatorProcess;
const pvName = `pv-volume-${namespace}`;

/** An object of a sample file, as parsed (plain data). */
interface SampleObject {
  readonly kind?: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly spec?: Readonly<Record<string, unknown>>;
}

function sample(file: string): SampleObject[] {
  return parseAllDocuments(sampleText(file))
    .map((document) => document.toJS() as SampleObject | null)
    .filter((object): object is SampleObject => object !== null);
}

/** Creates the object in the test namespace (cluster-scoped objects keep none). */
async function create(object: SampleObject): Promise<void> {
  const clusterScoped = object.kind === 'PersistentVolume' || object.kind === 'RuntimeClass';
  const metadata = { ...object.metadata, ...(clusterScoped ? {} : { namespace }) };
  await objects.create({ ...object, metadata });
}

async function readApp(name: string): Promise<SpinApp> {
  return (await custom.getNamespacedCustomObject({
    ...group,
    namespace,
    plural: 'spinapps',
    name,
  })) as SpinApp;
}

/** zlib's adler32, written out so the test does not share the operator's implementation. */
function adler32(text: string): string {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(text, 'utf8')) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return (((b << 16) | a) >>> 0).toString(16);
}

function decode(secret: V1Secret, key: string): string {
  return Buffer.from(secret.data?.[key] ?? '', 'base64').toString('utf8');
}

// ---- What upstream renders (reference §2.4–2.7) --------------------------------------------------------

const MINIMAL_TOML = "[[config_provider]]\ntype = 'env'\nprefix = 'SPIN_VARIABLE_'\n";

/** Values of the `my-super-secret` Secret that runtime-config.yaml reads (the sample does not ship it). */
const SUPER_SECRET = {
  'turso-token': 'turso-token-value',
  'llm-token': 'llm-token-value',
  'redis-full-url': 'redis://redis.example:6379',
};

/** Reference §2.6, `config/samples/runtime-config.yaml`, with the secret values filled in. */
const RUNTIME_CONFIG_TOML = [
  '[[config_provider]]',
  "type = 'env'",
  "prefix = 'SPIN_VARIABLE_'",
  '',
  '[key_value_store]',
  '[key_value_store.default]',
  "type = 'redis'",
  "url = 'redis://redis.example:6379'",
  '',
  '[sqlite_database]',
  '[sqlite_database.default]',
  "token = 'turso-token-value'",
  "type = 'libsql'",
  "url = 'https://sensational-penguin-ahacker.libsql.example.com'",
  '',
  '[llm_compute]',
  "auth_token = 'llm-token-value'",
  "type = 'remote_http'",
  "url = 'https://llm-app.fermyon.app'",
  '',
].join('\n');

const LISTEN: V1EnvVar = { name: 'SPIN_HTTP_LISTEN_ADDR', value: '0.0.0.0:80' };
const PORTS = [{ name: 'http-app', containerPort: 80 }];

const runtimeConfigVolume = (secretName: string): V1Volume => ({
  name: 'spin-runtime-config',
  secret: {
    secretName,
    optional: true,
    items: [{ key: 'runtime-config.toml', path: 'runtime-config.toml' }],
  },
});
const RUNTIME_CONFIG_MOUNT: V1VolumeMount = {
  name: 'spin-runtime-config',
  readOnly: true,
  mountPath: '/runtime-config.toml',
  subPath: 'runtime-config.toml',
};
const CA_VOLUME: V1Volume = {
  name: 'spin-ca',
  secret: {
    secretName: 'spin-ca',
    optional: true,
    items: [{ key: 'ca-certificates.crt', path: 'ca-certificates.crt' }],
  },
};
const CA_MOUNT: V1VolumeMount = {
  name: 'spin-ca',
  readOnly: true,
  mountPath: '/etc/ssl/certs/ca-certificates.crt',
  subPath: 'ca-certificates.crt',
};

const httpProbe = (path: string): V1Probe => ({
  httpGet: { path, port: 80 },
  initialDelaySeconds: 10,
  timeoutSeconds: 1,
  periodSeconds: 10,
  successThreshold: 1,
  failureThreshold: 3,
});

const SAMPLE_RESOURCES = {
  limits: { cpu: '500m', memory: '500Mi' },
  requests: { cpu: '100m', memory: '400Mi' },
};

interface ExpectedApp {
  readonly file: string;
  readonly name: string;
  readonly executor: string;
  /** The runtime-config TOML upstream generates; its adler32 names the Secret. */
  readonly toml: string;
  /** `undefined`: autoscaled, so the operator leaves `spec.replicas` alone. */
  readonly replicas: number | undefined;
  readonly deploymentAnnotations?: Record<string, string>;
  readonly podAnnotations?: Record<string, string>;
  readonly serviceAnnotations?: Record<string, string>;
  /** Pod spec fields besides volumes and the container. */
  readonly pod: { runtimeClassName?: string; imagePullSecrets?: { name: string }[] };
  readonly volumes: (runtimeConfigSecret: string) => V1Volume[];
  readonly container: (runtimeConfigSecret: string) => V1Container;
}

const SHIM = { runtimeClassName: 'wasmtime-spin-v2' };
const HELLO = 'ghcr.io/spinframework/containerd-shim-spin/examples/spin-rust-hello:v0.23.0';
const shimVolumes = (secret: string): V1Volume[] => [runtimeConfigVolume(secret), CA_VOLUME];
const SHIM_MOUNTS = [RUNTIME_CONFIG_MOUNT, CA_MOUNT];

/** Every SpinApp sample and upstream's rendering of it. */
const EXPECTED: ExpectedApp[] = [
  {
    file: 'simple.yaml',
    name: 'simple-spinapp',
    executor: 'containerd-shim-spin',
    toml: MINIMAL_TOML,
    replicas: 1,
    pod: SHIM,
    volumes: shimVolumes,
    container: () => ({
      name: 'simple-spinapp',
      image: HELLO,
      command: ['/'],
      ports: PORTS,
      env: [LISTEN],
      volumeMounts: SHIM_MOUNTS,
      resources: {},
    }),
  },
  {
    file: 'annotations.yaml',
    name: 'annotations-spinapp',
    executor: 'containerd-shim-spin',
    toml: MINIMAL_TOML,
    replicas: 1,
    deploymentAnnotations: { key: 'value', 'multiple-keys': 'are-supported' },
    podAnnotations: { key: 'value' },
    serviceAnnotations: { key: 'value' },
    pod: SHIM,
    volumes: shimVolumes,
    container: () => ({
      name: 'annotations-spinapp',
      image: HELLO,
      command: ['/'],
      ports: PORTS,
      env: [LISTEN],
      volumeMounts: SHIM_MOUNTS,
      resources: {},
    }),
  },
  {
    file: 'hpa.yaml',
    name: 'hpa-spinapp',
    executor: 'containerd-shim-spin',
    toml: MINIMAL_TOML,
    replicas: undefined,
    pod: SHIM,
    volumes: shimVolumes,
    container: () => ({
      name: 'hpa-spinapp',
      image: 'ghcr.io/spinframework/spin-operator/cpu-load-gen:20250625-200717-g19414c1',
      command: ['/'],
      ports: PORTS,
      env: [LISTEN],
      volumeMounts: SHIM_MOUNTS,
      resources: SAMPLE_RESOURCES,
    }),
  },
  {
    file: 'keda-app.yaml',
    name: 'keda-spinapp',
    executor: 'containerd-shim-spin',
    toml: MINIMAL_TOML,
    replicas: undefined,
    pod: SHIM,
    volumes: shimVolumes,
    container: () => ({
      name: 'keda-spinapp',
      image: 'ghcr.io/spinframework/spin-operator/cpu-load-gen:20250625-200717-g19414c1',
      command: ['/'],
      ports: PORTS,
      env: [LISTEN],
      volumeMounts: SHIM_MOUNTS,
      resources: SAMPLE_RESOURCES,
    }),
  },
  {
    file: 'otel.yaml',
    name: 'otel-spinapp',
    executor: 'otel-shim-executor',
    toml: MINIMAL_TOML,
    replicas: 1,
    pod: SHIM,
    volumes: shimVolumes,
    container: () => ({
      name: 'otel-spinapp',
      image: 'ghcr.io/spinframework/spin-operator/cpu-load-gen:20250625-200717-g19414c1',
      command: ['/'],
      ports: PORTS,
      env: [
        LISTEN,
        {
          name: 'OTEL_EXPORTER_OTLP_ENDPOINT',
          value: 'http://otel-collector.default.svc.cluster.local:4318',
        },
      ],
      volumeMounts: SHIM_MOUNTS,
      resources: {},
    }),
  },
  {
    file: 'private-image.yaml',
    name: 'private-image-spinapp',
    executor: 'containerd-shim-spin',
    toml: MINIMAL_TOML,
    replicas: 1,
    pod: { ...SHIM, imagePullSecrets: [{ name: 'spin-image-secret' }] },
    volumes: shimVolumes,
    container: () => ({
      name: 'private-image-spinapp',
      image: 'ghcr.io/<username>/<image>:<tag>',
      command: ['/'],
      ports: PORTS,
      env: [LISTEN],
      volumeMounts: SHIM_MOUNTS,
      resources: {},
    }),
  },
  {
    file: 'probes.yaml',
    name: 'healthchecks-spinapp',
    executor: 'containerd-shim-spin',
    toml: MINIMAL_TOML,
    replicas: 1,
    pod: SHIM,
    volumes: shimVolumes,
    container: () => ({
      name: 'healthchecks-spinapp',
      image: HELLO,
      command: ['/'],
      ports: PORTS,
      env: [LISTEN],
      volumeMounts: SHIM_MOUNTS,
      resources: {},
      livenessProbe: httpProbe('/hello'),
      readinessProbe: httpProbe('/go-hello'),
    }),
  },
  {
    file: 'redis.yaml',
    name: 'redis-spinapp',
    executor: 'containerd-shim-spin',
    toml: MINIMAL_TOML,
    replicas: 1,
    pod: SHIM,
    volumes: shimVolumes,
    container: () => ({
      name: 'redis-spinapp',
      image: 'ghcr.io/spinframework/spin-operator/redis-sample:20250625-200716-g19414c1',
      command: ['/'],
      ports: PORTS,
      env: [LISTEN],
      volumeMounts: SHIM_MOUNTS,
      resources: {},
    }),
  },
  {
    file: 'resources.yaml',
    name: 'resource-requirements-spinapp',
    executor: 'containerd-shim-spin',
    toml: MINIMAL_TOML,
    replicas: 1,
    pod: SHIM,
    volumes: shimVolumes,
    container: () => ({
      name: 'resource-requirements-spinapp',
      image: HELLO,
      command: ['/'],
      ports: PORTS,
      env: [LISTEN],
      volumeMounts: SHIM_MOUNTS,
      resources: SAMPLE_RESOURCES,
    }),
  },
  {
    file: 'runtime-config.yaml',
    name: 'runtime-config',
    executor: 'containerd-shim-spin',
    toml: RUNTIME_CONFIG_TOML,
    replicas: 1,
    pod: SHIM,
    volumes: shimVolumes,
    container: () => ({
      name: 'runtime-config',
      image: HELLO,
      command: ['/'],
      ports: PORTS,
      env: [LISTEN],
      volumeMounts: SHIM_MOUNTS,
      resources: {},
    }),
  },
  {
    file: 'selective-deployment.yaml',
    name: 'hello-salutation-spinapp',
    executor: 'containerd-shim-spin',
    toml: MINIMAL_TOML,
    replicas: 1,
    pod: SHIM,
    volumes: shimVolumes,
    container: () => ({
      name: 'hello-salutation-spinapp',
      image: 'ghcr.io/spinframework/spin-operator/salutations:20250625-200719-g19414c1',
      command: ['/'],
      ports: PORTS,
      env: [LISTEN, { name: 'SPIN_COMPONENTS_TO_RETAIN', value: 'hello' }],
      volumeMounts: SHIM_MOUNTS,
      resources: {},
    }),
  },
  {
    file: 'spintainer.yaml',
    name: 'spintainer-spinapp',
    executor: 'spintainer',
    toml: MINIMAL_TOML,
    replicas: 1,
    pod: {},
    volumes: shimVolumes,
    container: () => ({
      name: 'spintainer-spinapp',
      image: 'ghcr.io/fermyon/spin:v2.7.0',
      args: [
        'up',
        '--listen',
        '0.0.0.0:80',
        '-f',
        'ghcr.io/spinframework/spin-operator/hello-world:20250625-200716-g19414c1',
        '--runtime-config-file',
        '/runtime-config.toml',
      ],
      ports: PORTS,
      env: [LISTEN],
      volumeMounts: SHIM_MOUNTS,
      resources: {},
    }),
  },
  {
    file: 'variable-explorer.yaml',
    name: 'variable-explorer',
    executor: 'containerd-shim-spin',
    toml: MINIMAL_TOML,
    replicas: 1,
    pod: SHIM,
    volumes: shimVolumes,
    container: () => ({
      name: 'variable-explorer',
      image: 'ttl.sh/variable-explorer:1h',
      command: ['/'],
      ports: PORTS,
      env: [
        { name: 'SPIN_VARIABLE_PLATFORM_NAME', value: 'Kubernetes' },
        {
          name: 'SPIN_VARIABLE_LOG_LEVEL',
          valueFrom: { configMapKeyRef: { name: 'spin-app-cfg', key: 'logLevel', optional: true } },
        },
        {
          name: 'SPIN_VARIABLE_DB_PASSWORD',
          valueFrom: { secretKeyRef: { name: 'spin-app-secret', key: 'password', optional: false } },
        },
        LISTEN,
      ],
      volumeMounts: SHIM_MOUNTS,
      resources: {},
    }),
  },
  {
    file: 'variables.yaml',
    name: 'variables-spinapp',
    executor: 'containerd-shim-spin',
    toml: MINIMAL_TOML,
    replicas: 1,
    pod: SHIM,
    volumes: shimVolumes,
    container: () => ({
      name: 'variables-spinapp',
      image: 'ghcr.io/endocrimes/spin-variabletester:container',
      command: ['/'],
      ports: PORTS,
      env: [{ name: 'SPIN_VARIABLE_GREETEE', value: 'SpinKube' }, LISTEN],
      volumeMounts: SHIM_MOUNTS,
      resources: {},
    }),
  },
  {
    file: 'volume-mount.yaml',
    name: 'volume-mount-spinapp',
    executor: 'containerd-shim-spin',
    toml: MINIMAL_TOML,
    replicas: 1,
    pod: SHIM,
    volumes: (secret) => [
      runtimeConfigVolume(secret),
      { name: 'example-volume', persistentVolumeClaim: { claimName: 'example-pv-claim' } },
      CA_VOLUME,
    ],
    container: () => ({
      name: 'volume-mount-spinapp',
      image: HELLO,
      command: ['/'],
      ports: PORTS,
      env: [LISTEN],
      volumeMounts: [RUNTIME_CONFIG_MOUNT, { name: 'example-volume', mountPath: '/mnt/data' }, CA_MOUNT],
      resources: {},
    }),
  },
];

/** `apps/redis-sample/README.md`'s SpinApp: same name as redis.yaml's, so it is applied over it. */
const README_REDIS: ExpectedApp = {
  file: 'elsewhere/apps-redis-sample-README-redis_client.yaml',
  name: 'redis-spinapp',
  executor: 'containerd-shim-spin',
  toml: MINIMAL_TOML,
  replicas: 1,
  pod: SHIM,
  volumes: shimVolumes,
  container: () => ({
    name: 'redis-spinapp',
    image: 'ghcr.io/spinkube/redis-sample',
    command: ['/'],
    ports: PORTS,
    env: [
      { name: 'SPIN_VARIABLE_REDIS_ENDPOINT', value: 'redis://redis.default.svc.cluster.local:6379' },
      LISTEN,
    ],
    volumeMounts: SHIM_MOUNTS,
    resources: {},
  }),
};

function controllerRef(name: string, uid: string): V1OwnerReference {
  return {
    apiVersion: 'core.spinkube.dev/v1alpha1',
    kind: 'SpinApp',
    name,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

function expectedDeployment(app: ExpectedApp, uid: string): V1Deployment {
  const secret = `${app.name}-${adler32(app.toml)}`;
  const selector = {
    'core.spinkube.dev/app-name': app.name,
    [`core.spinkube.dev/app.${app.name}.status`]: 'ready',
  };
  return {
    metadata: {
      name: app.name,
      namespace,
      labels: { 'core.spinkube.dev/app-name': app.name },
      annotations: app.deploymentAnnotations ?? {},
      ownerReferences: [controllerRef(app.name, uid)],
    },
    spec: {
      ...(app.replicas === undefined ? {} : { replicas: app.replicas }),
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: selector, annotations: app.podAnnotations ?? {} },
        spec: {
          ...app.pod,
          serviceAccountName: 'default',
          volumes: app.volumes(secret),
          containers: [app.container(secret)],
        },
      },
    },
  };
}

function expectedService(app: ExpectedApp, uid: string): V1Service {
  return {
    metadata: {
      name: app.name,
      namespace,
      labels: { 'core.spinkube.dev/app-name': app.name },
      annotations: app.serviceAnnotations ?? {},
      ownerReferences: [controllerRef(app.name, uid)],
    },
    spec: {
      type: 'ClusterIP',
      ports: [{ protocol: 'TCP', port: 80, targetPort: 'http-app' }],
      selector: { [`core.spinkube.dev/app.${app.name}.status`]: 'ready' },
    },
  };
}

// ---- What the cluster holds, without the API server's and controllers' own fields -----------------------

/** Deletes `object[key]` when it holds `value` (compared as JSON), so other values still fail the test. */
function dropDefault(object: object | undefined, key: string, value: unknown): void {
  if (!object) return;
  const record = object as Record<string, unknown>;
  if (canonicalJson(record[key]) === canonicalJson(value)) Reflect.deleteProperty(record, key);
}

/** JSON with object keys sorted, so key order (which client-node's models change) does not matter. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

function observedDeployment(deployment: V1Deployment, autoscaled: boolean): V1Deployment {
  const { metadata = {}, spec } = structuredClone(deployment);
  const annotations = { ...metadata.annotations };
  // Written by the Deployment controller, not by spin-operator.
  Reflect.deleteProperty(annotations, 'deployment.kubernetes.io/revision');
  if (spec) {
    dropDefault(spec, 'progressDeadlineSeconds', 600);
    dropDefault(spec, 'revisionHistoryLimit', 10);
    // Autoscaled: spin-operator applies no replicas, so the API server's default stays (see operatorFields).
    if (autoscaled) dropDefault(spec, 'replicas', 1);
    dropDefault(spec, 'strategy', {
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
    });
    const template = spec.template;
    if (template.metadata) {
      Reflect.deleteProperty(template.metadata, 'creationTimestamp');
      template.metadata.annotations ??= {};
    }
    const pod = template.spec;
    if (pod) {
      dropDefault(pod, 'restartPolicy', 'Always');
      dropDefault(pod, 'terminationGracePeriodSeconds', 30);
      dropDefault(pod, 'dnsPolicy', 'ClusterFirst');
      dropDefault(pod, 'securityContext', {});
      dropDefault(pod, 'schedulerName', 'default-scheduler');
      // The deprecated alias the API server fills from serviceAccountName.
      dropDefault(pod, 'serviceAccount', pod.serviceAccountName);
      for (const volume of pod.volumes ?? []) dropDefault(volume.secret, 'defaultMode', 420);
      for (const container of pod.containers) {
        dropDefault(container, 'terminationMessagePath', '/dev/termination-log');
        dropDefault(container, 'terminationMessagePolicy', 'File');
        // Defaulted from the image tag (IfNotPresent, or Always for :latest and untagged images); that
        // spin-operator does not set it is checked on its managed fields.
        if (container.imagePullPolicy === 'IfNotPresent' || container.imagePullPolicy === 'Always')
          Reflect.deleteProperty(container, 'imagePullPolicy');
        for (const port of container.ports ?? []) dropDefault(port, 'protocol', 'TCP');
        for (const probe of [container.livenessProbe, container.readinessProbe])
          dropDefault(probe?.httpGet, 'scheme', 'HTTP');
      }
    }
  }
  return {
    metadata: {
      name: metadata.name,
      namespace: metadata.namespace,
      labels: metadata.labels,
      annotations,
      ownerReferences: metadata.ownerReferences,
    },
    spec,
  };
}

function observedService(service: V1Service): V1Service {
  const { metadata = {}, spec } = structuredClone(service);
  if (spec) {
    for (const key of ['clusterIP', 'clusterIPs']) Reflect.deleteProperty(spec, key);
    dropDefault(spec, 'sessionAffinity', 'None');
    dropDefault(spec, 'ipFamilies', ['IPv4']);
    dropDefault(spec, 'ipFamilyPolicy', 'SingleStack');
    dropDefault(spec, 'internalTrafficPolicy', 'Cluster');
  }
  return {
    metadata: {
      name: metadata.name,
      namespace: metadata.namespace,
      labels: metadata.labels,
      annotations: metadata.annotations ?? {},
      ownerReferences: metadata.ownerReferences,
    },
    spec,
  };
}

/** The fields spin-operator's server-side apply owns, as JSON text. */
function operatorFields(object: V1Deployment): string {
  const entries = (object.metadata?.managedFields ?? []).filter(
    (entry) => entry.manager === 'spin-operator' && entry.operation === 'Apply',
  );
  expect(entries).toHaveLength(1);
  return JSON.stringify(entries[0]?.fieldsV1);
}

// ---- Setup ------------------------------------------------------------------------------------------------

beforeAll(async () => {
  for (const runtimeClass of sample('spin-runtime-class.yaml')) {
    await node.createRuntimeClass({ body: runtimeClass as V1RuntimeClass }).catch((error: unknown) => {
      if (!(error instanceof ApiException && error.code === 409)) throw error;
    });
  }
  operator = await startOperatorProcess({ kubeconfigPath, namespace, watchNamespace: namespace });

  // Executors first, so apps find them at their first reconcile.
  const documents = [
    'spin-shim-executor.yaml',
    'spintainer-executor.yaml',
    ...EXPECTED.map((app) => app.file),
    'elsewhere/apps-redis-sample-README-redis_db.yaml',
  ].flatMap((file) => sample(file));
  const byKind = (kind: string) => documents.filter((object) => object.kind === kind);
  for (const executor of byKind('SpinAppExecutor')) await create(executor);

  await core.createNamespacedSecret({
    namespace,
    body: { metadata: { name: 'my-super-secret' }, stringData: SUPER_SECRET },
  });
  // The volume before its claim, so the claim binds as soon as it is created. Cluster-scoped: named after
  // the namespace and pre-bound to this namespace's claim, so runs side by side never share it.
  for (const pv of byKind('PersistentVolume')) {
    await create({
      ...pv,
      metadata: { ...pv.metadata, name: pvName },
      spec: { ...pv.spec, claimRef: { namespace, name: 'example-pv-claim' } },
    });
  }
  const applied = new Set(['SpinAppExecutor', 'SpinApp', 'PersistentVolume']);
  for (const object of documents.filter((o) => !applied.has(o.kind ?? ''))) await create(object);
  for (const app of byKind('SpinApp')) await create(app);
});

afterAll(async () => {
  // Let the operator release its executors' finalizers, so the namespace can go.
  await custom.deleteCollectionNamespacedCustomObject({ ...group, namespace, plural: 'spinapps' });
  await custom.deleteCollectionNamespacedCustomObject({ ...group, namespace, plural: 'spinappexecutors' });
  await vi
    .waitFor(async () => {
      const list = (await custom.listNamespacedCustomObject({
        ...group,
        namespace,
        plural: 'spinappexecutors',
      })) as { items: unknown[] };
      if (list.items.length > 0) throw new Error(`${String(list.items.length)} executors left`);
    }, WAIT)
    .catch(() => undefined);
  await core.deletePersistentVolume({ name: pvName }).catch(() => undefined);
  await operator.stop();
});

// ---- Tests ------------------------------------------------------------------------------------------------

async function readDeployment(name: string): Promise<V1Deployment> {
  return apps.readNamespacedDeployment({ name, namespace });
}

/** The app once its Deployment is available and its status says so. */
async function readyApp(name: string): Promise<SpinApp> {
  return vi.waitFor(async () => {
    const app = await readApp(name);
    expect(app.status?.readyReplicas).toBe(1);
    expect(app.status?.conditions?.find((c) => c.type === 'Available')?.status).toBe('True');
    return app;
  }, WAIT);
}

/** The app's status once it has settled (reference §1.3, plus this operator's observedGeneration). */
async function settledApp(expected: ExpectedApp): Promise<SpinApp> {
  // Each reconcile writes the status before it applies the Service: the status settles a reconcile or two
  // after the Deployment is ready (upstream's order, and a level-triggered eventual state).
  return vi.waitFor(async () => {
    const app = await readApp(expected.name);
    expect(app.status).toMatchObject({
      activeScheduler: expected.executor,
      readyReplicas: 1,
      deploymentName: expected.name,
      serviceName: expected.name,
      observedGeneration: app.metadata?.generation,
    });
    const conditions = app.status?.conditions ?? [];
    expect(conditions.find((c) => c.type === 'Available')).toMatchObject({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
      message: 'Deployment has minimum availability.',
    });
    expect(conditions.find((c) => c.type === 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'NewReplicaSetAvailable',
      message: expect.stringMatching(/^ReplicaSet "[a-z0-9-]+" has successfully progressed\.$/) as string,
    });
    return app;
  }, WAIT);
}

async function checkRendered(expected: ExpectedApp): Promise<void> {
  const app = await settledApp(expected);
  const uid = app.metadata?.uid ?? '';
  const deployment = await readDeployment(expected.name);
  expect(observedDeployment(deployment, expected.replicas === undefined)).toEqual(
    expectedDeployment(expected, uid),
  );
  const owned = operatorFields(deployment);
  expect(owned).not.toContain('f:imagePullPolicy');
  if (expected.replicas === undefined) expect(owned).not.toContain('"f:replicas"');

  const service = await core.readNamespacedService({ name: expected.name, namespace });
  expect(observedService(service)).toEqual(expectedService(expected, uid));

  // The generated runtime config: the only Secret labelled with the app.
  const secretName = `${expected.name}-${adler32(expected.toml)}`;
  const labelled = await core.listNamespacedSecret({
    namespace,
    labelSelector: `core.spinkube.dev/app-name=${expected.name}`,
  });
  expect(labelled.items.map((s) => s.metadata?.name)).toEqual([secretName]);
  const secret = labelled.items[0] as V1Secret;
  expect(secret.metadata?.labels).toEqual({ 'core.spinkube.dev/app-name': expected.name });
  expect(secret.metadata?.ownerReferences).toEqual([
    { apiVersion: 'core.spinkube.dev/v1alpha1', kind: 'SpinApp', name: expected.name, uid },
  ]);
  expect(secret.metadata?.annotations).toBeUndefined();
  expect(secret.type).toBe('Opaque');
  expect(Object.keys(secret.data ?? {})).toEqual(['runtime-config.toml']);
  expect(decode(secret, 'runtime-config.toml')).toBe(expected.toml);
}

describe('upstream samples applied to spin-operator (no webhooks)', () => {
  it('every sample names its executor and, unless autoscaled, its replicas (nothing for a webhook to default)', () => {
    for (const app of [...EXPECTED, README_REDIS]) {
      const [spinApp] = sample(app.file).filter((o) => o.kind === 'SpinApp') as SpinApp[];
      expect(spinApp?.spec?.executor).toBe(app.executor);
      expect(spinApp?.spec?.replicas).toBe(app.replicas);
      expect(spinApp?.spec?.enableAutoscaling ?? false).toBe(app.replicas === undefined);
    }
  });

  it.each(EXPECTED.map((app) => [app.file, app] as const))(
    '%s yields upstream’s Deployment, Service, runtime-config Secret and status',
    async (_file, expected) => {
      expect.hasAssertions();
      await checkRendered(expected);
    },
  );

  it('names the minimal app’s runtime-config Secret simple-spinapp-760b133c', async () => {
    expect(adler32(MINIMAL_TOML)).toBe('760b133c');
    const secret = await core.readNamespacedSecret({ name: 'simple-spinapp-760b133c', namespace });
    expect(decode(secret, 'runtime-config.toml')).toBe(MINIMAL_TOML);
    const deployment = await readDeployment('simple-spinapp');
    expect(deployment.spec?.template.spec?.volumes?.[0]?.secret?.secretName).toBe('simple-spinapp-760b133c');
  });

  it('creates the CA Secret spin-ca once, annotated and owned by no app', async () => {
    const ca = await core.readNamespacedSecret({ name: 'spin-ca', namespace });
    expect(ca.metadata?.annotations).toEqual({
      'app.kubernetes.io/managed-by': 'spin-operator.spinkube.dev',
    });
    expect(ca.metadata?.labels).toBeUndefined();
    expect(ca.metadata?.ownerReferences).toBeUndefined();
    expect(ca.type).toBe('Opaque');
    expect(Object.keys(ca.data ?? {})).toEqual(['ca-certificates.crt']);
    const bundle = decode(ca, 'ca-certificates.crt');
    const pems = bundle.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
    expect(pems.length).toBeGreaterThan(100);
    for (const pem of pems) expect(new X509Certificate(pem).ca).toBe(true);
    // Three executors install the default bundle: still one Secret.
    const all = await core.listNamespacedSecret({ namespace });
    expect(all.items.filter((s) => s.metadata?.name?.startsWith('spin-ca'))).toHaveLength(1);
  });

  it('hpa.yaml: the HorizontalPodAutoscaler targets the Deployment, whose replicas spin-operator leaves alone', async () => {
    await readyApp('hpa-spinapp');
    const deployment = await readDeployment('hpa-spinapp');
    // The API server's default, kept (not zeroed) by the operator's applies.
    expect(deployment.spec?.replicas).toBe(1);
    expect(operatorFields(deployment)).not.toContain('"f:replicas"');
    const hpa = await objects.read<KubernetesObject & { spec?: { scaleTargetRef?: unknown } }>({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'spinapp-autoscaler', namespace },
    });
    expect(hpa.spec?.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'hpa-spinapp',
    });
  });

  it('volume-mount.yaml: the claim binds and the pod runs with the volume', async () => {
    await readyApp('volume-mount-spinapp');
    const claim = await core.readNamespacedPersistentVolumeClaim({ name: 'example-pv-claim', namespace });
    expect(claim.status?.phase).toBe('Bound');
    expect(claim.spec?.volumeName).toBe(pvName);
  });

  it('the redis README’s redis-spinapp applied over redis.yaml re-renders it', async () => {
    const before = await readyApp('redis-spinapp');
    const [readme] = sample(README_REDIS.file) as SpinApp[];
    // `kubectl replace` of the README's object; retried if the operator's status write got in between.
    await vi.waitFor(async () => {
      const current = await readApp('redis-spinapp');
      await custom.replaceNamespacedCustomObject({
        ...group,
        namespace,
        plural: 'spinapps',
        name: 'redis-spinapp',
        body: { ...current, spec: readme?.spec },
      });
    }, WAIT);
    await vi.waitFor(async () => {
      const app = await readApp('redis-spinapp');
      expect(app.metadata?.generation).toBe((before.metadata?.generation ?? 0) + 1);
      expect(app.status?.observedGeneration).toBe(app.metadata?.generation);
      const deployment = await readDeployment('redis-spinapp');
      expect(deployment.spec?.template.spec?.containers[0]?.image).toBe('ghcr.io/spinkube/redis-sample');
      expect(deployment.status?.observedGeneration).toBe(deployment.metadata?.generation);
      expect(deployment.status?.updatedReplicas).toBe(1);
      expect(deployment.status?.replicas).toBe(1);
    }, WAIT);
    await checkRendered(README_REDIS);
    // The README's redis server is a plain Deployment and Service: no business of the operator's.
    const redis = await readDeployment('redis');
    expect(redis.metadata?.ownerReferences).toBeUndefined();
    expect(operator.exited).toBe(false);
  });
});
