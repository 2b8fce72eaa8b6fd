/**
 * The Deployment and Service upstream spin-operator renders for a SpinApp, field for field (reference
 * §2.4–2.7): names, labels, selectors, the `http-app` port 80, env and volumes in upstream's order, probes,
 * resources, `runtimeClassName` for shim executors and `spin up` args for `spinImage` executors. Pure
 * functions of the SpinApp, its executor and the names of the Secrets the reconcile made.
 */
import type {
  V1Container,
  V1Deployment,
  V1EnvVar,
  V1OwnerReference,
  V1Service,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import {
  API_VERSION_V1ALPHA1,
  CORE_GROUP,
  Kinds,
  Labels,
  SpinEnv,
  Workload,
  formatQuantity,
  parseQuantity,
  quantityValue,
  type SpinApp,
  type SpinAppExecutor,
} from '@spinkube/api';
import { renderProbe } from './probes.js';

export class WorkloadError extends Error {
  override readonly name = 'WorkloadError';
}

/** A SpinApp and an executor whose `spec` the API server has made sure exists. */
export type SpinAppWithSpec = SpinApp & { spec: NonNullable<SpinApp['spec']> };
export type ExecutorWithSpec = SpinAppExecutor & { spec: NonNullable<SpinAppExecutor['spec']> };

export interface WorkloadInputs {
  readonly app: SpinAppWithSpec;
  readonly executor: ExecutorWithSpec;
  /** The generated runtime-config Secret, or the app's `loadFromSecret`. */
  readonly runtimeConfigSecret?: string;
  /** The CA bundle Secret to mount (`caCertSecret`, or `spin-ca` with `installDefaultCACerts`). */
  readonly caSecret?: string;
}

function ownerReference(app: SpinApp, controller: boolean): V1OwnerReference {
  return {
    apiVersion: `${CORE_GROUP}/${API_VERSION_V1ALPHA1}`,
    kind: Kinds.SpinApp,
    name: app.metadata?.name ?? '',
    uid: app.metadata?.uid ?? '',
    ...(controller ? { controller: true, blockOwnerDeletion: true } : {}),
  };
}

/** Owner reference of the runtime-config Secret: not a controller reference, as upstream. */
export function secretOwnerReference(app: SpinApp): V1OwnerReference {
  return ownerReference(app, false);
}

function env({ app, executor }: WorkloadInputs): V1EnvVar[] {
  const vars: V1EnvVar[] = (app.spec.variables ?? []).map((variable) => ({
    name: `${Workload.variableEnvPrefix}${variable.name.toUpperCase()}`,
    ...(variable.value !== undefined && variable.value !== '' ? { value: variable.value } : {}),
    ...(variable.valueFrom ? { valueFrom: variable.valueFrom } : {}),
  }));
  vars.push({ name: SpinEnv.httpListenAddr, value: SpinEnv.httpListenAddrDefault });
  const otel = executor.spec.deploymentConfig?.otel;
  const otelVars: [string, string | undefined][] = [
    [SpinEnv.otelEndpoint, otel?.exporter_otlp_endpoint],
    [SpinEnv.otelTracesEndpoint, otel?.exporter_otlp_traces_endpoint],
    [SpinEnv.otelMetricsEndpoint, otel?.exporter_otlp_metrics_endpoint],
    [SpinEnv.otelLogsEndpoint, otel?.exporter_otlp_logs_endpoint],
  ];
  for (const [name, value] of otelVars) if (value) vars.push({ name, value });
  const memory = app.spec.invocationLimits?.['memory'];
  if (memory !== undefined) {
    let bytes: bigint;
    try {
      bytes = quantityValue(parseQuantity(memory));
    } catch (error) {
      throw new WorkloadError(
        `failed to parse memory limit "${memory}": ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    vars.push({ name: SpinEnv.maxInstanceMemory, value: bytes.toString() });
  }
  if (app.spec.components)
    vars.push({ name: SpinEnv.componentsToRetain, value: app.spec.components.join(',') });
  return vars;
}

function volumes({ app, runtimeConfigSecret, caSecret }: WorkloadInputs): {
  volumes: V1Volume[];
  mounts: V1VolumeMount[];
} {
  const list: V1Volume[] = [];
  const mounts: V1VolumeMount[] = [];
  if (runtimeConfigSecret) {
    list.push({
      name: Workload.runtimeConfigVolume,
      secret: {
        secretName: runtimeConfigSecret,
        optional: true,
        items: [{ key: Workload.runtimeConfigKey, path: Workload.runtimeConfigKey }],
      },
    });
    mounts.push({
      name: Workload.runtimeConfigVolume,
      readOnly: true,
      mountPath: Workload.runtimeConfigMountPath,
      subPath: Workload.runtimeConfigKey,
    });
  }
  list.push(...(app.spec.volumes ?? []));
  mounts.push(...(app.spec.volumeMounts ?? []));
  if (caSecret) {
    list.push({
      name: Workload.caVolume,
      secret: {
        secretName: caSecret,
        optional: true,
        items: [{ key: Workload.caCertificatesKey, path: Workload.caCertificatesKey }],
      },
    });
    mounts.push({
      name: Workload.caVolume,
      readOnly: true,
      mountPath: Workload.caMountPath,
      subPath: Workload.caCertificatesKey,
    });
  }
  return { volumes: list, mounts };
}

/** Quantities in the canonical form Kubernetes (and upstream, through resource.Quantity) writes. */
function canonical(list: Readonly<Record<string, string | number>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(list).map(([name, value]) => [name, formatQuantity(parseQuantity(String(value)))]),
  );
}

function container(inputs: WorkloadInputs, mounts: V1VolumeMount[]): V1Container {
  const { app, executor } = inputs;
  const name = app.metadata?.name ?? '';
  const config = executor.spec.deploymentConfig;
  const readiness = renderProbe(app.spec.checks?.readiness, 'readiness');
  const liveness = renderProbe(app.spec.checks?.liveness, 'liveness');
  const common = {
    name,
    ports: [{ name: Workload.httpPortName, containerPort: Workload.httpPort }],
    env: env(inputs),
    volumeMounts: mounts,
    resources: {
      ...(app.spec.resources?.limits ? { limits: canonical(app.spec.resources.limits) } : {}),
      ...(app.spec.resources?.requests ? { requests: canonical(app.spec.resources.requests) } : {}),
    },
    ...(liveness ? { livenessProbe: liveness } : {}),
    ...(readiness ? { readinessProbe: readiness } : {}),
  };
  if (config?.runtimeClassName) return { ...common, image: app.spec.image, command: ['/'] };
  if (config?.spinImage) {
    const components = (app.spec.components ?? []).flatMap((id) => ['--component-id', id]);
    return {
      ...common,
      image: config.spinImage,
      args: [
        'up',
        '--listen',
        `0.0.0.0:${String(Workload.httpPort)}`,
        '-f',
        app.spec.image,
        '--runtime-config-file',
        Workload.runtimeConfigMountPath,
        ...components,
      ],
    };
  }
  throw new WorkloadError('must specify either runtimeClassName or spinImage');
}

export function renderDeployment(inputs: WorkloadInputs): V1Deployment {
  const { app, executor } = inputs;
  const name = app.metadata?.name ?? '';
  const namespace = app.metadata?.namespace ?? '';
  const selector = { [Labels.appName]: name, [Labels.appStatus(name)]: Labels.statusReady };
  const { volumes: podVolumes, mounts } = volumes(inputs);
  const config = executor.spec.deploymentConfig;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace,
      labels: { [Labels.appName]: name },
      annotations: app.spec.deploymentAnnotations ?? {},
      ownerReferences: [ownerReference(app, true)],
    },
    spec: {
      ...(app.spec.enableAutoscaling ? {} : { replicas: app.spec.replicas ?? 0 }),
      selector: { matchLabels: selector },
      template: {
        metadata: {
          labels: { ...(app.spec.podLabels ?? {}), ...selector },
          annotations: app.spec.podAnnotations ?? {},
        },
        spec: {
          ...(config?.runtimeClassName ? { runtimeClassName: config.runtimeClassName } : {}),
          serviceAccountName: app.spec.serviceAccountName || 'default',
          ...(app.spec.imagePullSecrets ? { imagePullSecrets: app.spec.imagePullSecrets } : {}),
          volumes: podVolumes,
          containers: [container(inputs, mounts)],
        },
      },
    },
  };
}

export function renderService(app: SpinAppWithSpec): V1Service {
  const name = app.metadata?.name ?? '';
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: app.metadata?.namespace ?? '',
      labels: { [Labels.appName]: name },
      annotations: app.spec.serviceAnnotations ?? {},
      ownerReferences: [ownerReference(app, true)],
    },
    spec: {
      type: 'ClusterIP',
      ports: [{ protocol: 'TCP', port: Workload.httpPort, targetPort: Workload.httpPortName }],
      selector: { [Labels.appStatus(name)]: Labels.statusReady },
    },
  };
}
