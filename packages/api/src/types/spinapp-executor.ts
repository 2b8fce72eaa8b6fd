/**
 * SpinAppExecutor (`core.spinkube.dev/v1alpha1`): how the SpinApps of a namespace are run, through the
 * containerd shim (`runtimeClassName`) or in a container running `spin up` (`spinImage`).
 */
import { Type, type Static } from 'typebox';
import { kindSchema } from '../schema/builders.js';

export const ExecutorOtelConfigSchema = Type.Object(
  {
    exporter_otlp_endpoint: Type.Optional(
      Type.String({ description: 'OTLP endpoint for all telemetry (OTEL_EXPORTER_OTLP_ENDPOINT).' }),
    ),
    exporter_otlp_traces_endpoint: Type.Optional(
      Type.String({ description: 'OTLP endpoint for traces (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).' }),
    ),
    exporter_otlp_metrics_endpoint: Type.Optional(
      Type.String({ description: 'OTLP endpoint for metrics (OTEL_EXPORTER_OTLP_METRICS_ENDPOINT).' }),
    ),
    exporter_otlp_logs_endpoint: Type.Optional(
      Type.String({ description: 'OTLP endpoint for logs (OTEL_EXPORTER_OTLP_LOGS_ENDPOINT).' }),
    ),
  },
  { description: 'OpenTelemetry exporter settings passed to the app as env vars.' },
);

export const ExecutorDeploymentConfigSchema = Type.Object(
  {
    runtimeClassName: Type.Optional(
      Type.String({
        description: 'RuntimeClass of the pods, for running apps through the shim. Exclusive with spinImage.',
      }),
    ),
    spinImage: Type.Optional(
      Type.String({
        description:
          'Image whose entrypoint is spin, for running apps with `spin up` in a container. Exclusive with\n' +
          'runtimeClassName. App images must then be pullable without credentials.',
      }),
    ),
    installDefaultCACerts: Type.Optional(
      Type.Boolean({
        description:
          'Create a CA bundle Secret (named caCertSecret, or spin-ca) in the app namespace if absent.',
      }),
    ),
    caCertSecret: Type.Optional(
      Type.String({
        description: 'Secret with key ca-certificates.crt, mounted at /etc/ssl/certs/ca-certificates.crt.',
      }),
    ),
    otel: Type.Optional(ExecutorOtelConfigSchema),
  },
  { description: 'How the operator configures the Deployments it creates.' },
);

export const SpinAppExecutorSpecSchema = Type.Object(
  {
    createDeployment: Type.Boolean({
      description: 'Whether the operator creates a Deployment for each app, or something else runs it.',
    }),
    deploymentConfig: Type.Optional(ExecutorDeploymentConfigSchema),
  },
  { description: 'The desired state of a SpinAppExecutor.' },
);

export const SpinAppExecutorStatusSchema = Type.Object(
  {},
  { description: 'The observed state of a SpinAppExecutor.' },
);

export const SpinAppExecutorSchema = kindSchema(
  SpinAppExecutorSpecSchema,
  SpinAppExecutorStatusSchema,
  'How SpinApps in a namespace are executed.',
);

export type ExecutorOtelConfig = Static<typeof ExecutorOtelConfigSchema>;
export type ExecutorDeploymentConfig = Static<typeof ExecutorDeploymentConfigSchema>;
export type SpinAppExecutorSpec = Static<typeof SpinAppExecutorSpecSchema>;
export type SpinAppExecutor = Static<typeof SpinAppExecutorSchema>;
