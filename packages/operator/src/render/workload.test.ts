import type { SpinApp, SpinAppExecutor } from '@spinkube/api';
import { describe, expect, it } from 'vitest';
import { sample } from '../../test/upstream-samples.js';
import { renderDeployment, renderService, type ExecutorWithSpec, type SpinAppWithSpec } from './workload.js';

/** A sample SpinApp as the API server returns it: in a namespace, with a uid. */
function app(file: string): SpinAppWithSpec {
  const object = sample(file) as SpinApp;
  return { ...object, metadata: { ...object.metadata, namespace: 'apps', uid: 'uid-1' } } as SpinAppWithSpec;
}
const shim = sample('spin-shim-executor.yaml') as SpinAppExecutor as ExecutorWithSpec;
const spintainer = sample('spintainer-executor.yaml') as SpinAppExecutor as ExecutorWithSpec;

const owner = (name: string) => ({
  apiVersion: 'core.spinkube.dev/v1alpha1',
  kind: 'SpinApp',
  name,
  uid: 'uid-1',
  controller: true,
  blockOwnerDeletion: true,
});

describe('the Deployment upstream renders', () => {
  it('for simple.yaml on the shim executor, field by field', () => {
    const deployment = renderDeployment({
      app: app('simple.yaml'),
      executor: shim,
      runtimeConfigSecret: 'simple-spinapp-760b133c',
      caSecret: 'spin-ca',
    });
    expect(deployment).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'simple-spinapp',
        namespace: 'apps',
        labels: { 'core.spinkube.dev/app-name': 'simple-spinapp' },
        annotations: {},
        ownerReferences: [owner('simple-spinapp')],
      },
      spec: {
        replicas: 1,
        selector: {
          matchLabels: {
            'core.spinkube.dev/app-name': 'simple-spinapp',
            'core.spinkube.dev/app.simple-spinapp.status': 'ready',
          },
        },
        template: {
          metadata: {
            labels: {
              'core.spinkube.dev/app-name': 'simple-spinapp',
              'core.spinkube.dev/app.simple-spinapp.status': 'ready',
            },
            annotations: {},
          },
          spec: {
            runtimeClassName: 'wasmtime-spin-v2',
            serviceAccountName: 'default',
            volumes: [
              {
                name: 'spin-runtime-config',
                secret: {
                  secretName: 'simple-spinapp-760b133c',
                  optional: true,
                  items: [{ key: 'runtime-config.toml', path: 'runtime-config.toml' }],
                },
              },
              {
                name: 'spin-ca',
                secret: {
                  secretName: 'spin-ca',
                  optional: true,
                  items: [{ key: 'ca-certificates.crt', path: 'ca-certificates.crt' }],
                },
              },
            ],
            containers: [
              {
                name: 'simple-spinapp',
                image: 'ghcr.io/spinframework/containerd-shim-spin/examples/spin-rust-hello:v0.23.0',
                command: ['/'],
                ports: [{ name: 'http-app', containerPort: 80 }],
                env: [{ name: 'SPIN_HTTP_LISTEN_ADDR', value: '0.0.0.0:80' }],
                volumeMounts: [
                  {
                    name: 'spin-runtime-config',
                    readOnly: true,
                    mountPath: '/runtime-config.toml',
                    subPath: 'runtime-config.toml',
                  },
                  {
                    name: 'spin-ca',
                    readOnly: true,
                    mountPath: '/etc/ssl/certs/ca-certificates.crt',
                    subPath: 'ca-certificates.crt',
                  },
                ],
                resources: {},
              },
            ],
          },
        },
      },
    });
  });

  it('for spintainer.yaml: spin up args, no runtimeClassName', () => {
    const deployment = renderDeployment({
      app: { ...app('selective-deployment.yaml') },
      executor: spintainer,
      runtimeConfigSecret: 'x-1',
    });
    const pod = deployment.spec?.template.spec;
    expect(pod?.runtimeClassName).toBeUndefined();
    expect(pod?.containers[0]?.image).toBe('ghcr.io/fermyon/spin:v2.7.0');
    expect(pod?.containers[0]?.command).toBeUndefined();
    expect(pod?.containers[0]?.args).toEqual([
      'up',
      '--listen',
      '0.0.0.0:80',
      '-f',
      'ghcr.io/spinframework/spin-operator/salutations:20250625-200719-g19414c1',
      '--runtime-config-file',
      '/runtime-config.toml',
      '--component-id',
      'hello',
    ]);
  });

  it('puts env in upstream order: variables, listen address, OTel, memory limit, retained components', () => {
    const variables = app('variables.yaml');
    const deployment = renderDeployment({
      app: {
        ...variables,
        spec: { ...variables.spec, invocationLimits: { memory: '128Mi' }, components: ['a', 'b'] },
      },
      executor: {
        ...shim,
        spec: {
          ...shim.spec,
          deploymentConfig: {
            ...shim.spec.deploymentConfig,
            otel: { exporter_otlp_endpoint: 'http://otel:4318', exporter_otlp_logs_endpoint: 'http://logs' },
          },
        },
      },
    });
    expect(deployment.spec?.template.spec?.containers[0]?.env).toEqual([
      { name: 'SPIN_VARIABLE_GREETEE', value: 'SpinKube' },
      { name: 'SPIN_HTTP_LISTEN_ADDR', value: '0.0.0.0:80' },
      { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: 'http://otel:4318' },
      { name: 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', value: 'http://logs' },
      { name: 'SPIN_MAX_INSTANCE_MEMORY', value: '134217728' },
      { name: 'SPIN_COMPONENTS_TO_RETAIN', value: 'a,b' },
    ]);
  });

  it('renders probes with upstream defaults, and refuses a probe without httpGet', () => {
    const probes = app('probes.yaml');
    const container = renderDeployment({ app: probes, executor: shim }).spec?.template.spec?.containers[0];
    expect(container?.livenessProbe).toEqual({
      httpGet: { path: '/hello', port: 80 },
      initialDelaySeconds: 10,
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
    expect(container?.readinessProbe?.httpGet?.path).toBe('/go-hello');
    expect(() =>
      renderDeployment({
        app: { ...probes, spec: { ...probes.spec, checks: { readiness: { periodSeconds: 5 } } } },
        executor: shim,
      }),
    ).toThrow(
      'failed to construct readiness probe: probe exists but with unknown configuration, expected httpGet',
    );
  });

  it('omits replicas when autoscaling, keeps the operator labels over podLabels, canonicalises resources', () => {
    const simple = app('simple.yaml');
    const deployment = renderDeployment({
      app: {
        ...simple,
        spec: {
          ...simple.spec,
          enableAutoscaling: true,
          podLabels: { team: 'a', 'core.spinkube.dev/app-name': 'spoofed' },
          resources: { limits: { cpu: '0.5', memory: '128Mi' } },
        },
      },
      executor: shim,
    });
    expect(deployment.spec && 'replicas' in deployment.spec).toBe(false);
    expect(deployment.spec?.template.metadata?.labels).toEqual({
      team: 'a',
      'core.spinkube.dev/app-name': 'simple-spinapp',
      'core.spinkube.dev/app.simple-spinapp.status': 'ready',
    });
    expect(deployment.spec?.template.spec?.containers[0]?.resources).toEqual({
      limits: { cpu: '500m', memory: '128Mi' },
    });
  });

  it('refuses an executor with neither runtimeClassName nor spinImage, and a bad memory limit', () => {
    const simple = app('simple.yaml');
    expect(() =>
      renderDeployment({
        app: simple,
        executor: { ...shim, spec: { createDeployment: true, deploymentConfig: {} } },
      }),
    ).toThrow('must specify either runtimeClassName or spinImage');
    expect(() =>
      renderDeployment({
        app: { ...simple, spec: { ...simple.spec, invocationLimits: { memory: 'lots' } } },
        executor: shim,
      }),
    ).toThrow(/^failed to parse memory limit "lots": /);
  });
});

describe('the Service upstream renders', () => {
  it('selects only on the status label and targets the http-app port', () => {
    expect(renderService(app('simple.yaml'))).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'simple-spinapp',
        namespace: 'apps',
        labels: { 'core.spinkube.dev/app-name': 'simple-spinapp' },
        annotations: {},
        ownerReferences: [owner('simple-spinapp')],
      },
      spec: {
        type: 'ClusterIP',
        ports: [{ protocol: 'TCP', port: 80, targetPort: 'http-app' }],
        selector: { 'core.spinkube.dev/app.simple-spinapp.status': 'ready' },
      },
    });
  });
});
