import type {
  V1ContainerStatus,
  V1Deployment,
  V1DeploymentCondition,
  V1Pod,
  V1PodCondition,
  V1PodStatus,
} from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { computeStatus, type StatusInputs } from './status.js';

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
      replicas: 0,
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
        {
          type: 'PodsReady',
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
    expect(status.conditions?.slice(0, 2).map((c) => `${c.type}=${c.status}/${c.reason}`)).toEqual([
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

// Shaped like what the deployment controller and the kubelet write, for the upstream sample simple.yaml.
const APP = 'simple-spinapp';
const IMAGE = 'ghcr.io/spinkube/containerd-shim-spin/examples/spin-rust-hello:v0.19.0';
const started = new Date('2026-11-22T09:58:00Z');

const appDeployment = (
  replicas: number,
  status: { replicas?: number; readyReplicas?: number; conditions?: V1DeploymentCondition[] } = {},
): V1Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: APP, namespace: 'default', generation: 3 },
  spec: {
    replicas,
    selector: { matchLabels: { 'core.spinkube.dev/app-name': APP } },
    template: { spec: { containers: [{ name: APP, image: IMAGE }] } },
  },
  status: { observedGeneration: 3, ...status },
});

const podCondition = (
  type: string,
  status: 'True' | 'False',
  reason?: string,
  message?: string,
): V1PodCondition => ({
  type,
  status,
  lastTransitionTime: started,
  ...(reason ? { reason } : {}),
  ...(message ? { message } : {}),
});

const notReadyConditions = [
  podCondition('PodReadyToStartContainers', 'True'),
  podCondition('Initialized', 'True'),
  podCondition('Ready', 'False', 'ContainersNotReady', `containers with unready status: [${APP}]`),
  podCondition('ContainersReady', 'False', 'ContainersNotReady', `containers with unready status: [${APP}]`),
  podCondition('PodScheduled', 'True'),
];

const container = (fields: Partial<V1ContainerStatus>): V1ContainerStatus => ({
  name: APP,
  image: IMAGE,
  imageID: '',
  ready: false,
  restartCount: 0,
  started: false,
  ...fields,
});

const pod = (name: string, status: V1PodStatus, metadata: Partial<V1Pod['metadata']> = {}): V1Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'default',
    labels: { 'core.spinkube.dev/app-name': APP, [`core.spinkube.dev/app.${APP}.status`]: 'ready' },
    ...metadata,
  },
  status,
});

const readyPod = (name: string): V1Pod =>
  pod(name, {
    phase: 'Running',
    conditions: [
      podCondition('PodReadyToStartContainers', 'True'),
      podCondition('Initialized', 'True'),
      podCondition('Ready', 'True'),
      podCondition('ContainersReady', 'True'),
      podCondition('PodScheduled', 'True'),
    ],
    containerStatuses: [
      container({
        imageID: `${IMAGE}@sha256:4b1c…`,
        ready: true,
        started: true,
        state: { running: { startedAt: started } },
      }),
    ],
  });

const crashLoopingPod = (name: string, backOff = '2m40s', exitCode = 137, reason = 'Error'): V1Pod =>
  pod(name, {
    phase: 'Running',
    conditions: notReadyConditions,
    containerStatuses: [
      container({
        restartCount: 5,
        state: {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off ${backOff} restarting failed container=${APP} pod=${name}_default(0b6a1e9c-2f4d-4d6e-9a51-3c1f0e9b7d21)`,
          },
        },
        lastState: {
          terminated: {
            exitCode,
            reason,
            startedAt: started,
            finishedAt: started,
            containerID: 'containerd://1f…',
          },
        },
      }),
    ],
  });

const waitingPod = (name: string, reason: string, message: string): V1Pod =>
  pod(name, {
    phase: 'Pending',
    conditions: notReadyConditions,
    containerStatuses: [container({ state: { waiting: { reason, message } } })],
  });

const UNSCHEDULABLE =
  "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";

const unschedulablePod = (name: string): V1Pod =>
  pod(name, {
    phase: 'Pending',
    conditions: [podCondition('PodScheduled', 'False', 'Unschedulable', UNSCHEDULABLE)],
  });

const RUNTIME_CLASS_MISSING =
  'pods "simple-spinapp-5c9f8d9b8-" is forbidden: pod rejected: RuntimeClass "wasmtime-spin-v2" not found';

const runtimeClassMissing = appDeployment(1, {
  replicas: 0,
  conditions: [
    {
      type: 'Available',
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
      message: 'Deployment does not have minimum availability.',
    },
    { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: RUNTIME_CLASS_MISSING },
    {
      type: 'Progressing',
      status: 'True',
      reason: 'ReplicaSetUpdated',
      message: 'ReplicaSet "simple-spinapp-5c9f8d9b8" is progressing.',
    },
  ],
});

const inputs = (overrides: Partial<StatusInputs>): StatusInputs => ({
  executorName: 'containerd-shim-spin',
  previous: undefined,
  deployment: appDeployment(1, { replicas: 1, readyReplicas: 1 }),
  service: undefined,
  now: t0,
  ...overrides,
});

const podsReadyOf = (overrides: Partial<StatusInputs>) => {
  const condition = computeStatus(inputs(overrides)).conditions?.find((c) => c.type === 'PodsReady');
  return condition && { status: condition.status, reason: condition.reason, message: condition.message };
};

describe('SpinApp status beyond upstream', () => {
  it('sets observedGeneration, replicas and the selector the scale subresource reads', () => {
    const status = computeStatus(
      inputs({
        appName: APP,
        generation: 7,
        deployment: appDeployment(3, { replicas: 4, readyReplicas: 2 }),
      }),
    );
    expect(status).toMatchObject({
      observedGeneration: 7,
      replicas: 4,
      readyReplicas: 2,
      selector: 'core.spinkube.dev/app-name=simple-spinapp',
    });
    expect(status.conditions?.find((c) => c.type === 'PodsReady')?.observedGeneration).toBe(7);
  });

  it("takes the selector from the Deployment's name when the app name is not given", () => {
    expect(computeStatus(inputs({})).selector).toBe('core.spinkube.dev/app-name=simple-spinapp');
    expect(computeStatus(inputs({ deployment: undefined })).selector).toBeUndefined();
    expect(computeStatus(inputs({ deployment: undefined, appName: APP })).selector).toBe(
      'core.spinkube.dev/app-name=simple-spinapp',
    );
  });

  it('leaves observedGeneration as it was when the generation is not given', () => {
    const previous = computeStatus(inputs({ generation: 2 }));
    expect(computeStatus(inputs({ previous, now: t1 })).observedGeneration).toBe(2);
  });

  it('leaves Available and Progressing exactly as upstream copies them', () => {
    const status = computeStatus(inputs({ deployment: runtimeClassMissing, pods: [] }));
    expect(status.conditions?.map((c) => `${c.type}=${c.status}/${c.reason}`)).toEqual([
      'Available=False/MinimumReplicasUnavailable',
      'Progressing=True/ReplicaSetUpdated',
      'PodsReady=False/FailedCreate',
    ]);
    expect(status.conditions?.[0]?.observedGeneration).toBeUndefined();
  });
});

describe('the PodsReady condition', () => {
  it('is True/AllPodsReady when every pod is ready', () => {
    expect(
      podsReadyOf({
        deployment: appDeployment(2, { replicas: 2, readyReplicas: 2 }),
        pods: [readyPod('simple-spinapp-5c9f8d9b8-xk2lp'), readyPod('simple-spinapp-5c9f8d9b8-q7w4n')],
      }),
    ).toEqual({ status: 'True', reason: 'AllPodsReady', message: '2 of 2 pods ready' });
  });

  it('is True with no pods when the app is scaled to zero', () => {
    expect(podsReadyOf({ deployment: appDeployment(0, {}), pods: [] })).toEqual({
      status: 'True',
      reason: 'AllPodsReady',
      message: '0 of 0 pods ready',
    });
  });

  it('is Unknown/DeploymentNotFound while there is no Deployment', () => {
    expect(podsReadyOf({ deployment: undefined, pods: [] })).toEqual({
      status: 'Unknown',
      reason: 'DeploymentNotFound',
      message: 'Deployment not found',
    });
  });

  it('surfaces CrashLoopBackOff with the last exit code and reason (spin-operator #202)', () => {
    expect(podsReadyOf({ pods: [crashLoopingPod('simple-spinapp-5c9f8d9b8-xk2lp')] })).toEqual({
      status: 'False',
      reason: 'CrashLoopBackOff',
      message: '1 of 1 pods: container "simple-spinapp" is waiting: CrashLoopBackOff (last exit 137: Error)',
    });
  });

  it('surfaces ImagePullBackOff and ErrImagePull with the kubelet message', () => {
    expect(
      podsReadyOf({
        pods: [
          waitingPod(
            'simple-spinapp-5c9f8d9b8-xk2lp',
            'ImagePullBackOff',
            'Back-off pulling image "ghcr.io/example/missing:v1"',
          ),
        ],
      }),
    ).toEqual({
      status: 'False',
      reason: 'ImagePullBackOff',
      message:
        '1 of 1 pods: container "simple-spinapp" is waiting: ImagePullBackOff: Back-off pulling image "ghcr.io/example/missing:v1"',
    });
    expect(
      podsReadyOf({
        pods: [
          waitingPod(
            'simple-spinapp-5c9f8d9b8-xk2lp',
            'ErrImagePull',
            'rpc error: code = NotFound desc = failed to pull and unpack image "ghcr.io/example/missing:v1": failed to resolve reference "ghcr.io/example/missing:v1": ghcr.io/example/missing:v1: not found',
          ),
        ],
      }),
    ).toMatchObject({
      status: 'False',
      reason: 'ErrImagePull',
      message: expect.stringMatching(
        /^1 of 1 pods: container "simple-spinapp" is waiting: ErrImagePull: rpc error: code = NotFound .*: not found$/,
      ) as unknown,
    });
  });

  it('surfaces CreateContainerConfigError, e.g. a missing runtime-config Secret', () => {
    expect(
      podsReadyOf({
        pods: [
          waitingPod(
            'simple-spinapp-5c9f8d9b8-xk2lp',
            'CreateContainerConfigError',
            'secret "simple-spinapp-760b133c" not found',
          ),
        ],
      }),
    ).toEqual({
      status: 'False',
      reason: 'CreateContainerConfigError',
      message:
        '1 of 1 pods: container "simple-spinapp" is waiting: CreateContainerConfigError: secret "simple-spinapp-760b133c" not found',
    });
  });

  it('surfaces a container that has just terminated, e.g. OOMKilled', () => {
    const oom = pod('simple-spinapp-5c9f8d9b8-xk2lp', {
      phase: 'Running',
      conditions: notReadyConditions,
      containerStatuses: [
        container({
          restartCount: 1,
          state: {
            terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: started, finishedAt: started },
          },
        }),
      ],
    });
    expect(podsReadyOf({ pods: [oom] })).toEqual({
      status: 'False',
      reason: 'OOMKilled',
      message: '1 of 1 pods: container "simple-spinapp" terminated: OOMKilled (exit 137)',
    });
  });

  it('surfaces a failing init container', () => {
    const initFailing = pod('simple-spinapp-5c9f8d9b8-xk2lp', {
      phase: 'Pending',
      conditions: [
        podCondition('Initialized', 'False', 'ContainersNotInitialized'),
        ...notReadyConditions.slice(2),
      ],
      initContainerStatuses: [
        container({
          name: 'setup',
          restartCount: 3,
          state: {
            waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container' },
          },
          lastState: { terminated: { exitCode: 1, reason: 'Error' } },
        }),
      ],
      containerStatuses: [container({ state: { waiting: { reason: 'PodInitializing' } } })],
    });
    expect(podsReadyOf({ pods: [initFailing] })).toEqual({
      status: 'False',
      reason: 'CrashLoopBackOff',
      message: '1 of 1 pods: init container "setup" is waiting: CrashLoopBackOff (last exit 1: Error)',
    });
  });

  it('surfaces Unschedulable with the scheduler message', () => {
    expect(
      podsReadyOf({
        deployment: appDeployment(2, { replicas: 2 }),
        pods: [
          unschedulablePod('simple-spinapp-5c9f8d9b8-xk2lp'),
          unschedulablePod('simple-spinapp-5c9f8d9b8-q7w4n'),
        ],
      }),
    ).toEqual({ status: 'False', reason: 'Unschedulable', message: `2 of 2 pods: ${UNSCHEDULABLE}` });
  });

  it("surfaces a missing RuntimeClass from the Deployment's ReplicaFailure, as there is no pod to read", () => {
    expect(podsReadyOf({ deployment: runtimeClassMissing, pods: [] })).toEqual({
      status: 'False',
      reason: 'FailedCreate',
      message: RUNTIME_CLASS_MISSING,
    });
  });

  it('says PodsNotReady with counts while containers are being created', () => {
    expect(
      podsReadyOf({
        deployment: appDeployment(3, { replicas: 3, readyReplicas: 1 }),
        pods: [
          readyPod('simple-spinapp-5c9f8d9b8-xk2lp'),
          waitingPod('simple-spinapp-5c9f8d9b8-q7w4n', 'ContainerCreating', ''),
          pod('simple-spinapp-5c9f8d9b8-z9m2c', {
            phase: 'Running',
            conditions: notReadyConditions,
            containerStatuses: [container({ started: true, state: { running: { startedAt: started } } })],
          }),
        ],
      }),
    ).toEqual({ status: 'False', reason: 'PodsNotReady', message: '1 of 3 pods ready' });
  });

  it('counts missing pods against the desired replicas', () => {
    expect(
      podsReadyOf({
        deployment: appDeployment(3, { replicas: 1 }),
        pods: [readyPod('simple-spinapp-5c9f8d9b8-xk2lp')],
      }),
    ).toEqual({ status: 'False', reason: 'PodsNotReady', message: '1 of 3 pods ready' });
  });

  it('picks the reason most pods share, whatever order the pods come in', () => {
    const pods = [
      waitingPod('simple-spinapp-5c9f8d9b8-a1', 'ImagePullBackOff', 'Back-off pulling image "x"'),
      crashLoopingPod('simple-spinapp-5c9f8d9b8-b2', '10s', 1, 'Error'),
      crashLoopingPod('simple-spinapp-5c9f8d9b8-c3', '5m0s', 137, 'OOMKilled'),
    ];
    const expected = {
      status: 'False',
      reason: 'CrashLoopBackOff',
      message: '2 of 3 pods: container "simple-spinapp" is waiting: CrashLoopBackOff (last exit 1: Error)',
    };
    const deployment = appDeployment(3, { replicas: 3 });
    expect(podsReadyOf({ deployment, pods })).toEqual(expected);
    expect(podsReadyOf({ deployment, pods: [...pods].reverse() })).toEqual(expected);
    expect(podsReadyOf({ deployment, pods: [pods[1]!, pods[2]!, pods[0]!] })).toEqual(expected);
  });

  it('prefers a failing container over the scheduler, and breaks equal counts by reason name', () => {
    expect(
      podsReadyOf({
        deployment: appDeployment(3, { replicas: 3 }),
        pods: [
          unschedulablePod('simple-spinapp-5c9f8d9b8-a1'),
          unschedulablePod('simple-spinapp-5c9f8d9b8-a2'),
          waitingPod('simple-spinapp-5c9f8d9b8-b1', 'ErrImagePull', 'not found'),
        ],
      }),
    ).toMatchObject({
      reason: 'ErrImagePull',
      message: '1 of 3 pods: container "simple-spinapp" is waiting: ErrImagePull: not found',
    });
    expect(
      podsReadyOf({
        deployment: appDeployment(2, { replicas: 2 }),
        pods: [
          waitingPod('simple-spinapp-5c9f8d9b8-a1', 'ImagePullBackOff', 'Back-off pulling image "x"'),
          waitingPod('simple-spinapp-5c9f8d9b8-b1', 'ErrImagePull', 'not found'),
        ],
      }),
    ).toMatchObject({ reason: 'ErrImagePull' });
  });

  it('reports a broken rollout while the old pod still serves', () => {
    expect(
      podsReadyOf({
        deployment: appDeployment(1, { replicas: 2, readyReplicas: 1 }),
        pods: [readyPod('simple-spinapp-7d4b6c5f9-old01'), crashLoopingPod('simple-spinapp-5c9f8d9b8-new01')],
      }),
    ).toMatchObject({
      status: 'False',
      reason: 'CrashLoopBackOff',
      message: expect.stringMatching(/^1 of 2 pods: /) as unknown,
    });
  });

  it('ignores terminating and evicted pods', () => {
    const terminating = crashLoopingPod('simple-spinapp-5c9f8d9b8-gone1');
    terminating.metadata!.deletionTimestamp = t0;
    const evicted = pod('simple-spinapp-5c9f8d9b8-gone2', {
      phase: 'Failed',
      reason: 'Evicted',
      message: 'The node was low on resource: memory.',
    });
    expect(podsReadyOf({ pods: [terminating, evicted, readyPod('simple-spinapp-5c9f8d9b8-xk2lp')] })).toEqual(
      {
        status: 'True',
        reason: 'AllPodsReady',
        message: '1 of 1 pods ready',
      },
    );
  });

  it('is computed from the Deployment alone when the pods are not given', () => {
    expect(podsReadyOf({ deployment: appDeployment(2, { replicas: 2, readyReplicas: 2 }) })).toEqual({
      status: 'True',
      reason: 'AllPodsReady',
      message: '2 of 2 pods ready',
    });
    expect(podsReadyOf({ deployment: appDeployment(2, { replicas: 2, readyReplicas: 1 }) })).toEqual({
      status: 'False',
      reason: 'PodsNotReady',
      message: '1 of 2 pods ready',
    });
    expect(podsReadyOf({ deployment: runtimeClassMissing })).toEqual({
      status: 'False',
      reason: 'FailedCreate',
      message: RUNTIME_CLASS_MISSING,
    });
  });

  it('does not change while a crash loop only backs off further, so the status is not patched again', () => {
    const first = computeStatus(
      inputs({ generation: 1, pods: [crashLoopingPod('simple-spinapp-5c9f8d9b8-xk2lp', '10s')] }),
    );
    const later = computeStatus(
      inputs({
        previous: first,
        now: t1,
        generation: 1,
        pods: [crashLoopingPod('simple-spinapp-5c9f8d9b8-xk2lp', '5m0s')],
      }),
    );
    expect(later).toEqual(first);
  });

  it('keeps its transition time while not ready for a new reason, and moves it when pods become ready', () => {
    const crashing = computeStatus(inputs({ pods: [crashLoopingPod('simple-spinapp-5c9f8d9b8-xk2lp')] }));
    const pulling = computeStatus(
      inputs({
        previous: crashing,
        now: t1,
        pods: [
          waitingPod('simple-spinapp-5c9f8d9b8-xk2lp', 'ImagePullBackOff', 'Back-off pulling image "x"'),
        ],
      }),
    );
    const podsReadyCondition = (status: typeof pulling) =>
      status.conditions?.find((c) => c.type === 'PodsReady');
    expect(podsReadyCondition(pulling)).toMatchObject({
      reason: 'ImagePullBackOff',
      lastTransitionTime: '2026-11-22T10:00:00Z',
    });
    const ready = computeStatus(
      inputs({ previous: pulling, now: t1, pods: [readyPod('simple-spinapp-5c9f8d9b8-xk2lp')] }),
    );
    expect(podsReadyCondition(ready)).toMatchObject({
      status: 'True',
      lastTransitionTime: '2026-11-22T10:05:00Z',
    });
  });

  it('keeps messages to one line of bounded length, and reasons to what the CRD accepts', () => {
    const long = waitingPod(
      'simple-spinapp-5c9f8d9b8-xk2lp',
      'RunContainerError',
      `failed to create containerd task:\n${'x'.repeat(2000)}`,
    );
    const condition = podsReadyOf({ pods: [long] });
    expect(condition?.reason).toBe('RunContainerError');
    expect(condition?.message).not.toContain('\n');
    expect(condition?.message.length).toBeLessThan(600);
    expect(condition?.message.endsWith('…')).toBe(true);

    expect(
      podsReadyOf({ pods: [waitingPod('simple-spinapp-5c9f8d9b8-xk2lp', 'not a reason!', '')] }),
    ).toEqual({
      status: 'False',
      reason: 'PodsNotReady',
      message: '1 of 1 pods: container "simple-spinapp" is waiting: not a reason!',
    });
  });
});
