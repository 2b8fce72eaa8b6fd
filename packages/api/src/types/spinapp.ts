/**
 * SpinApp (`core.spinkube.dev/v1alpha1`): a Spin application the operator runs as a Deployment and a Service.
 * Field names, types, defaults and required-ness follow upstream spin-operator exactly.
 */
import type {
  V1ConfigMapKeySelector,
  V1EnvVarSource,
  V1LocalObjectReference,
  V1SecretKeySelector,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import { Type, type Static } from 'typebox';
import { int32, int64, kubernetesSchema, kindSchema, resourceList, stringMap } from '../schema/builders.js';
import { ConditionSchema } from '../schema/condition.js';

const HttpHealthProbeHeaderSchema = Type.Object(
  {
    name: Type.String({ description: 'Header name.' }),
    value: Type.String({ description: 'Header value.' }),
  },
  { description: 'One HTTP header sent with a health check request.' },
);

const HttpGetSchema = Type.Object(
  {
    path: Type.String({ description: 'Path the health check requests, e.g. /healthz.' }),
    httpHeaders: Type.Optional(
      Type.Array(HttpHealthProbeHeaderSchema, { description: 'Headers sent with the health check request.' }),
    ),
  },
  { description: 'A health check performed with an HTTP GET to the app on port 80.' },
);

const healthProbe = (description: string) =>
  Type.Object(
    {
      httpGet: Type.Optional(HttpGetSchema),
      initialDelaySeconds: Type.Optional(
        int32({ default: 10, description: 'Seconds after the app starts before the first probe.' }),
      ),
      timeoutSeconds: Type.Optional(
        int32({ default: 1, description: 'Seconds after which the probe times out.' }),
      ),
      periodSeconds: Type.Optional(int32({ default: 10, description: 'Seconds between probes.' })),
      successThreshold: Type.Optional(
        int32({ default: 1, description: 'Consecutive successes after a failure for the probe to pass.' }),
      ),
      failureThreshold: Type.Optional(
        int32({ default: 3, description: 'Consecutive failures after a success for the probe to fail.' }),
      ),
    },
    { description },
  );

export const HealthProbeSchema = healthProbe('A health probe of the app.');

export const HealthChecksSchema = Type.Object(
  {
    readiness: Type.Optional(healthProbe('Readiness probe: when failing, the pod receives no traffic.')),
    liveness: Type.Optional(healthProbe('Liveness probe: when failing, the container is restarted.')),
  },
  { description: 'Health checks Kubernetes uses to watch the app.' },
);

const RuntimeConfigVarSourceSchema = Type.Object(
  {
    configMapKeyRef: Type.Optional(
      kubernetesSchema<V1ConfigMapKeySelector>('io.k8s.api.core.v1.ConfigMapKeySelector', {
        description: 'A key of a ConfigMap in the app namespace.',
      }),
    ),
    secretKeyRef: Type.Optional(
      kubernetesSchema<V1SecretKeySelector>('io.k8s.api.core.v1.SecretKeySelector', {
        description: 'A key of a Secret in the app namespace.',
      }),
    ),
  },
  { description: 'Where to read the option value from.' },
);

export const RuntimeConfigOptionSchema = Type.Object(
  {
    name: Type.String({ description: 'Name of the option.' }),
    value: Type.Optional(
      Type.String({ description: 'Static value of the option; wins over valueFrom when set.' }),
    ),
    valueFrom: Type.Optional(RuntimeConfigVarSourceSchema),
  },
  { description: 'One option of a runtime-config section.' },
);

const runtimeConfigSection = (description: string) =>
  Type.Object(
    {
      name: Type.String({ description: 'Name the app uses for this resource.' }),
      type: Type.String({ description: 'Backend type, e.g. redis or libsql.' }),
      options: Type.Optional(
        Type.Array(RuntimeConfigOptionSchema, { description: 'Options of the backend.' }),
      ),
    },
    { description },
  );

export const RuntimeConfigSchema = Type.Object(
  {
    loadFromSecret: Type.Optional(
      Type.String({
        description:
          'Name of a Secret in the app namespace whose key runtime-config.toml is used as the runtime config.\n' +
          'When set, every other field of runtimeConfig is ignored.',
      }),
    ),
    sqliteDatabases: Type.Optional(
      Type.Array(runtimeConfigSection('A SQLite database binding.'), {
        description: 'SQLite databases, rendered as [sqlite_database.<name>].',
      }),
    ),
    keyValueStores: Type.Optional(
      Type.Array(runtimeConfigSection('A key-value store binding.'), {
        description: 'Key-value stores, rendered as [key_value_store.<name>].',
      }),
    ),
    llmCompute: Type.Optional(
      Type.Object(
        {
          type: Type.String({ description: 'Backend type, e.g. remote_http.' }),
          options: Type.Optional(
            Type.Array(RuntimeConfigOptionSchema, { description: 'Options of the backend.' }),
          ),
        },
        { description: 'The LLM compute backend, rendered as [llm_compute].' },
      ),
    ),
  },
  { description: 'Runtime configuration of the app, rendered into runtime-config.toml.' },
);

export const SpinVarSchema = Type.Object(
  {
    name: Type.String({ description: 'Name of the Spin variable; the env var is SPIN_VARIABLE_<NAME>.' }),
    value: Type.Optional(Type.String({ description: 'Static value of the variable.' })),
    valueFrom: Type.Optional(
      kubernetesSchema<V1EnvVarSource>('io.k8s.api.core.v1.EnvVarSource', {
        description: 'Where Kubernetes reads the value from, as for a container env var.',
      }),
    ),
  },
  { description: 'Binds a Spin application variable to a static or referenced value.' },
);

export const SpinAppSpecSchema = Type.Object(
  {
    executor: Type.String({
      description:
        'Name of the SpinAppExecutor, in the same namespace, that runs this app. When empty, the admission\n' +
        'webhook picks a default executor if one exists.',
    }),
    image: Type.String({ description: 'OCI reference of the Spin application.' }),
    imagePullSecrets: Type.Optional(
      Type.Array(kubernetesSchema<V1LocalObjectReference>('io.k8s.api.core.v1.LocalObjectReference'), {
        description: 'Secrets in the app namespace used to pull the image.',
      }),
    ),
    checks: Type.Optional(HealthChecksSchema),
    replicas: Type.Optional(
      int32({ description: 'Number of replicas; must be unset when enableAutoscaling is true.' }),
    ),
    enableAutoscaling: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Leave the replica count to an external autoscaler (HPA or KEDA).',
      }),
    ),
    runtimeConfig: Type.Optional(RuntimeConfigSchema),
    volumes: Type.Optional(
      Type.Array(kubernetesSchema<V1Volume>('io.k8s.api.core.v1.Volume'), {
        description: 'Volumes added to the pods, after the ones the operator adds.',
      }),
    ),
    volumeMounts: Type.Optional(
      Type.Array(kubernetesSchema<V1VolumeMount>('io.k8s.api.core.v1.VolumeMount'), {
        description: 'Mounts of those volumes in the app container.',
      }),
    ),
    variables: Type.Optional(
      Type.Array(SpinVarSchema, { description: 'Values bound to Spin app variables.' }),
    ),
    serviceAnnotations: Type.Optional(stringMap({ description: 'Annotations of the Service.' })),
    deploymentAnnotations: Type.Optional(stringMap({ description: 'Annotations of the Deployment.' })),
    podAnnotations: Type.Optional(stringMap({ description: 'Annotations of the pods.' })),
    podLabels: Type.Optional(
      stringMap({ description: "Labels of the pods; the operator's own labels win on a clash." }),
    ),
    resources: Type.Optional(
      Type.Object(
        {
          limits: Type.Optional(
            resourceList({ description: 'Maximum compute resources of the app container.' }),
          ),
          requests: Type.Optional(
            resourceList({ description: 'Compute resources the app container requests.' }),
          ),
        },
        { description: 'Compute resources of the app container.' },
      ),
    ),
    components: Type.Optional(
      Type.Array(Type.String(), {
        minItems: 1,
        description: 'Only these components of the app run (selective deployment); all when unset.',
      }),
    ),
    serviceAccountName: Type.Optional(
      Type.String({ description: 'Service account of the pods; "default" when empty.' }),
    ),
    invocationLimits: Type.Optional(
      stringMap({
        description: 'Limits applied to each invocation. Key memory: a quantity, e.g. 128Mi, per instance.',
      }),
    ),
  },
  { description: 'The desired state of a SpinApp.' },
);

export const SpinAppStatusSchema = Type.Object(
  {
    conditions: Type.Optional(
      Type.Array(ConditionSchema, { description: "Observations of the app's state." }),
    ),
    activeScheduler: Type.Optional(Type.String({ description: 'The executor currently running the app.' })),
    readyReplicas: int32({ description: "Ready replicas of the app's Deployment." }),
    deploymentName: Type.Optional(
      Type.String({ description: 'Name of the Deployment created for the app.' }),
    ),
    serviceName: Type.Optional(Type.String({ description: 'Name of the Service created for the app.' })),
    // Not upstream (additive, docs/compatibility.md): the generation last reconciled, and the two fields
    // the scale subresource reads, so `kubectl scale` and an HPA or KEDA can target the SpinApp itself.
    observedGeneration: Type.Optional(
      int64({ description: 'The metadata.generation the operator last reconciled.' }),
    ),
    replicas: Type.Optional(
      int32({ description: "Pods of the app's Deployment, ready or not (its status.replicas)." }),
    ),
    selector: Type.Optional(
      Type.String({
        description:
          "Label selector of the app's pods, core.spinkube.dev/app-name=<app>; read by the scale subresource.",
      }),
    ),
  },
  { description: 'The observed state of a SpinApp.' },
);

export const SpinAppSchema = kindSchema(
  SpinAppSpecSchema,
  SpinAppStatusSchema,
  'A Spin application run on Kubernetes by the spin-operator.',
);

export type HealthProbe = Static<typeof HealthProbeSchema>;
export type HealthChecks = Static<typeof HealthChecksSchema>;
export type RuntimeConfigOption = Static<typeof RuntimeConfigOptionSchema>;
export type RuntimeConfig = Static<typeof RuntimeConfigSchema>;
export type SpinVar = Static<typeof SpinVarSchema>;
export type SpinAppSpec = Static<typeof SpinAppSpecSchema>;
export type SpinAppStatus = Static<typeof SpinAppStatusSchema>;
export type SpinApp = Static<typeof SpinAppSchema>;
