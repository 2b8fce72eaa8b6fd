import type { SpinAppExecutor } from '@spinkube/api';
import { describe, expect, it } from 'vitest';
import type { AdmissionRequest } from '@spinkube/controller';
import { admissionHandlers, WebhookPaths } from './handlers.js';

const shim: SpinAppExecutor = {
  apiVersion: 'core.spinkube.dev/v1alpha1',
  kind: 'SpinAppExecutor',
  metadata: { name: 'containerd-shim-spin', namespace: 'apps' },
  spec: { createDeployment: true, deploymentConfig: { runtimeClassName: 'wasmtime-spin-v2' } },
};

const handlers = admissionHandlers({
  executorNames: () => Promise.resolve(['spintainer', 'containerd-shim-spin', 'Zeta']),
  executor: (namespace, name) =>
    Promise.resolve(namespace === 'apps' && name === shim.metadata?.name ? shim : undefined),
});
const run = (path: string, object: unknown, namespace = 'apps') => {
  const handler = handlers[path];
  if (!handler) throw new Error(`no handler for ${path}`);
  const request: AdmissionRequest = { uid: 'u1', operation: 'CREATE', namespace, object };
  return handler(request);
};
const app = (spec: object) => ({
  apiVersion: 'core.spinkube.dev/v1alpha1',
  kind: 'SpinApp',
  metadata: { name: 'spinapp' },
  spec,
});

describe('admission webhooks', () => {
  it('defaults the executor to the first name in byte order across the cluster', async () => {
    const review = await run(WebhookPaths.mutateSpinApp, app({ image: 'x', replicas: 1 }));
    expect(review.response?.allowed).toBe(true);
    expect(review.response?.uid).toBe('u1');
    expect(JSON.parse(Buffer.from(review.response?.patch ?? '', 'base64').toString())).toEqual([
      { op: 'add', path: '/spec/executor', value: 'Zeta' },
    ]);
  });

  it('leaves a named executor alone', async () => {
    const review = await run(WebhookPaths.mutateSpinApp, app({ image: 'x', executor: 'mine' }));
    expect(review.response).toEqual({ uid: 'u1', allowed: true });
  });

  it('denies with upstream’s status and message', async () => {
    const review = await run(
      WebhookPaths.validateSpinApp,
      app({ image: 'x', executor: 'cyclotron', replicas: 0 }),
    );
    expect(review.response?.allowed).toBe(false);
    expect(review.response?.status).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message:
        'SpinApp.core.spinkube.dev "spinapp" is invalid: [spec.executor: Invalid value: "cyclotron": executor does not exist in namespace, spec.replicas: Invalid value: 0: replicas must be > 0]',
    });
  });

  it('allows a valid app', async () => {
    const review = await run(
      WebhookPaths.validateSpinApp,
      app({ image: 'x', executor: 'containerd-shim-spin', replicas: 1 }),
    );
    expect(review.response?.allowed).toBe(true);
  });

  it('refuses an executor that would create Deployments without a deploymentConfig (our addition)', async () => {
    const review = await run(WebhookPaths.validateSpinAppExecutor, {
      ...shim,
      spec: { createDeployment: true },
    });
    expect(review.response?.status?.message).toBe(
      'SpinAppExecutor.core.spinkube.dev "containerd-shim-spin" is invalid: spec.deploymentConfig: Invalid value: null: deploymentConfig must be set when createDeployment is true',
    );
    const both = await run(WebhookPaths.validateSpinAppExecutor, {
      ...shim,
      spec: { createDeployment: true, deploymentConfig: { runtimeClassName: 'foo', spinImage: 'bar' } },
    });
    expect(both.response?.status?.message).toContain(
      'spec.deploymentConfig.runtimeClassName: Invalid value: "foo": runtimeClassName and spinImage are mutually exclusive',
    );
  });
});
