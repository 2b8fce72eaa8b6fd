import type { V1Deployment } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { computeStatus } from './status.js';

const t0 = new Date('2026-11-22T10:00:00Z');
const t1 = new Date('2026-11-22T10:05:00Z');

const deployment = (available: 'True' | 'False', ready: number): V1Deployment => ({
  metadata: { name: 'app' },
  status: {
    readyReplicas: ready,
    conditions: [
      {
        type: 'Available',
        status: available,
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
      },
      {
        type: 'Progressing',
        status: 'True',
        reason: 'NewReplicaSetAvailable',
        message: 'ReplicaSet "app-1" has successfully progressed.',
      },
      { type: 'ReplicaFailure', status: 'False', reason: 'x', message: 'y' },
    ],
  },
});

describe('SpinApp status', () => {
  it('says DeploymentNotFound while there is no Deployment', () => {
    expect(
      computeStatus({
        executorName: 'shim',
        previous: undefined,
        deployment: undefined,
        service: undefined,
        now: t0,
      }),
    ).toEqual({
      activeScheduler: 'shim',
      readyReplicas: 0,
      conditions: [
        {
          type: 'Available',
          status: 'Unknown',
          reason: 'DeploymentNotFound',
          message: 'Deployment not found',
          lastTransitionTime: '2026-11-22T10:00:00Z',
        },
        {
          type: 'Progressing',
          status: 'Unknown',
          reason: 'DeploymentNotFound',
          message: 'Deployment not found',
          lastTransitionTime: '2026-11-22T10:00:00Z',
        },
      ],
    });
  });

  it('copies Available and Progressing from the Deployment, with names and ready replicas', () => {
    const status = computeStatus({
      executorName: 'shim',
      previous: undefined,
      deployment: deployment('True', 2),
      service: { metadata: { name: 'app' } },
      now: t0,
    });
    expect(status.readyReplicas).toBe(2);
    expect(status.deploymentName).toBe('app');
    expect(status.serviceName).toBe('app');
    expect(status.conditions?.map((c) => `${c.type}=${c.status}/${c.reason}`)).toEqual([
      'Available=True/MinimumReplicasAvailable',
      'Progressing=True/NewReplicaSetAvailable',
    ]);
  });

  it('keeps lastTransitionTime while a status holds, and moves it when the status changes', () => {
    const first = computeStatus({
      executorName: 'shim',
      previous: undefined,
      deployment: deployment('True', 1),
      service: undefined,
      now: t0,
    });
    const same = computeStatus({
      executorName: 'shim',
      previous: first,
      deployment: deployment('True', 1),
      service: undefined,
      now: t1,
    });
    expect(same.conditions?.[0]?.lastTransitionTime).toBe('2026-11-22T10:00:00Z');
    const changed = computeStatus({
      executorName: 'shim',
      previous: first,
      deployment: deployment('False', 0),
      service: undefined,
      now: t1,
    });
    expect(changed.conditions?.find((c) => c.type === 'Available')?.lastTransitionTime).toBe(
      '2026-11-22T10:05:00Z',
    );
    expect(changed.conditions?.find((c) => c.type === 'Progressing')?.lastTransitionTime).toBe(
      '2026-11-22T10:00:00Z',
    );
  });
});
