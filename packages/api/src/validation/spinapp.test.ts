import { describe, expect, it } from 'vitest';
import type { SpinAppExecutor } from '../types/spinapp-executor.js';
import type { SpinApp, SpinAppSpec } from '../types/spinapp.js';
import {
  spinAppInvalidMessage,
  spinAppInvalidStatus,
  validateSpinApp,
  validateSpinAppWithExecutor,
} from './spinapp.js';

const executor = (createDeployment: boolean): SpinAppExecutor => ({
  apiVersion: 'core.spinkube.dev/v1alpha1',
  kind: 'SpinAppExecutor',
  metadata: { name: 'containerd-shim-spin', namespace: 'default' },
  spec: { createDeployment, deploymentConfig: { runtimeClassName: 'wasmtime-spin-v2' } },
});

const app = (spec: Partial<SpinAppSpec>): SpinApp => ({
  apiVersion: 'core.spinkube.dev/v1alpha1',
  kind: 'SpinApp',
  metadata: { name: 'spinapp', namespace: 'default' },
  spec: { executor: 'containerd-shim-spin', image: 'ghcr.io/example/app:v1', replicas: 1, ...spec },
});

/** `null` stands for "the executor lookup found nothing". */
const messages = (spec: Partial<SpinAppSpec>, found: SpinAppExecutor | null = executor(true)) =>
  validateSpinAppWithExecutor(app(spec), found ?? undefined).map(String);

describe('SpinApp validation (upstream rules and messages)', () => {
  it('accepts a valid app', () => {
    expect(messages({})).toEqual([]);
  });

  it('rejects an empty executor with the upstream message, as the API server shows it', () => {
    const errors = validateSpinAppWithExecutor(app({ executor: '' }), undefined);
    expect(spinAppInvalidMessage(app({}), errors)).toBe(
      'SpinApp.core.spinkube.dev "spinapp" is invalid: spec.executor: Invalid value: "": executor must be set, ' +
        'likely no default executor was set because you have no executors installed',
    );
  });

  it('rejects an executor that does not exist in the namespace', () => {
    expect(messages({ executor: 'cyclotron' }, null)).toEqual([
      'spec.executor: Invalid value: "cyclotron": executor does not exist in namespace',
    ]);
  });

  it('rejects zero and negative replicas without autoscaling', () => {
    expect(messages({ replicas: 0 })).toEqual(['spec.replicas: Invalid value: 0: replicas must be > 0']);
    expect(messages({ replicas: -1 })).toEqual(['spec.replicas: Invalid value: -1: replicas must be > 0']);
    const { replicas: _unset, ...withoutReplicas } = app({}).spec!;
    expect(
      validateSpinAppWithExecutor({ ...app({}), spec: withoutReplicas }, executor(true)).map(String),
    ).toEqual(['spec.replicas: Invalid value: 0: replicas must be > 0']);
  });

  it('rejects replicas with autoscaling and accepts autoscaling without them', () => {
    expect(messages({ enableAutoscaling: true, replicas: 3 })).toEqual([
      'spec.replicas: Invalid value: 3: replicas cannot be set when autoscaling is enabled',
    ]);
    expect(messages({ enableAutoscaling: true, replicas: 0 })).toEqual([]);
  });

  it('rejects deployment annotations, then pod annotations, when the executor creates no Deployment', () => {
    expect(
      messages({ deploymentAnnotations: { key: 'asdf' }, podAnnotations: { a: 'b' } }, executor(false)),
    ).toEqual([
      'spec.deploymentAnnotations: Invalid value: {"key":"asdf"}: deploymentAnnotations can\'t be set when the ' +
        'executor does not use operator deployments',
    ]);
    expect(messages({ podAnnotations: { a: 'b' } }, executor(false))).toEqual([
      'spec.podAnnotations: Invalid value: {"a":"b"}: podAnnotations can\'t be set when the executor does not use ' +
        'operator deployments',
    ]);
    expect(messages({ deploymentAnnotations: { key: 'asdf' } }, executor(true))).toEqual([]);
  });

  it('rejects an invocation memory limit that is not a quantity', () => {
    expect(messages({ invocationLimits: { memory: 'lots' } })).toEqual([
      'spec.invocationLimits[memory]: Invalid value: "lots": memory limit must be a valid memory quantity (e.g. 128Mi, 1Gi)',
    ]);
  });

  it('rejects an invocation memory limit above the memory request, or the limit when one is set', () => {
    expect(
      messages({ invocationLimits: { memory: '50Mi' }, resources: { requests: { memory: '40Mi' } } }),
    ).toEqual([
      'spec.invocationLimits[memory]: Invalid value: "50Mi": invocation limit quantity cannot be greater than the memory request (40Mi)',
    ]);
    expect(
      messages({
        invocationLimits: { memory: '1.5Gi' },
        resources: { limits: { memory: '1Gi' }, requests: { memory: '4Gi' } },
      }),
    ).toEqual([
      'spec.invocationLimits[memory]: Invalid value: "1536Mi": invocation limit quantity cannot be greater than the memory limit (1Gi)',
    ]);
    expect(
      messages({ invocationLimits: { memory: '40Mi' }, resources: { limits: { memory: 41943040 } } }),
    ).toEqual([]);
    expect(messages({ invocationLimits: { memory: '64Mi' } })).toEqual([]);
  });

  it('reports every broken rule in upstream order, bracketed', () => {
    const errors = validateSpinAppWithExecutor(app({ executor: 'cyclotron', replicas: -1 }), undefined);
    expect(spinAppInvalidMessage(app({}), errors)).toBe(
      'SpinApp.core.spinkube.dev "spinapp" is invalid: [spec.executor: Invalid value: "cyclotron": executor does not ' +
        'exist in namespace, spec.replicas: Invalid value: -1: replicas must be > 0]',
    );
  });

  it('builds the Invalid status an admission webhook returns', () => {
    const errors = validateSpinAppWithExecutor(app({ replicas: 0 }), executor(true));
    expect(spinAppInvalidStatus(app({}), errors)).toEqual({
      apiVersion: 'v1',
      kind: 'Status',
      status: 'Failure',
      reason: 'Invalid',
      code: 422,
      message:
        'SpinApp.core.spinkube.dev "spinapp" is invalid: spec.replicas: Invalid value: 0: replicas must be > 0',
      details: {
        name: 'spinapp',
        group: 'core.spinkube.dev',
        kind: 'SpinApp',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: 0: replicas must be > 0',
            field: 'spec.replicas',
          },
        ],
      },
    });
  });
});

describe('validateSpinApp with an executor lookup', () => {
  it('looks the executor up in the app namespace', async () => {
    const asked: string[] = [];
    const errors = await validateSpinApp(app({}), (namespace, name) => {
      asked.push(`${namespace}/${name}`);
      return Promise.resolve(executor(true));
    });
    expect(errors).toEqual([]);
    expect(asked).toEqual(['default/containerd-shim-spin']);
  });

  it('treats a failing lookup as a missing executor, as upstream does', async () => {
    const errors = await validateSpinApp(app({}), () => Promise.reject(new Error('connection refused')));
    expect(errors.map(String)).toEqual([
      'spec.executor: Invalid value: "containerd-shim-spin": executor does not exist in namespace',
    ]);
  });

  it('does not look anything up when no executor is named', async () => {
    let called = false;
    await validateSpinApp(app({ executor: '' }), () => {
      called = true;
      return Promise.resolve(undefined);
    });
    expect(called).toBe(false);
  });
});
