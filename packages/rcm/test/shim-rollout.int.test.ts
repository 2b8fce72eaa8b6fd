/**
 * The runtime-class-manager process against a real API server, kube-controller-manager (Job controller,
 * garbage collector) and kwok: Shims drive node Jobs of upstream's shape, Job outcomes drive node labels,
 * rollouts follow their strategy, a changed download reinstalls, failures surface as conditions and Events
 * and are retried, deletion uninstalls, and a manager killed mid-rollout loses nothing. One file, one
 * manager at a time: Shims and Nodes are cluster-scoped, so two managers would share them.
 */
import {
  BatchV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  NodeV1Api,
  PatchStrategy,
  Watch,
  type V1Job,
  type V1Node,
} from '@kubernetes/client-node';
import { ResourceClient, ShimResource, type Shim, type ShimSpec } from '@spinkube/api';
import { eventually } from '@spinkube/test-cluster';
import { useNamespace } from '@spinkube/test-cluster/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRcmProcess, TEST_IMAGES, type RcmProcess } from './rcm-process.js';
import { StandInNodes } from './stand-in-nodes.js';

const { kubeConfig, kubeconfigPath, namespace } = useNamespace('rcm');
const shims = new ResourceClient<Shim>(kubeConfig, ShimResource);
const core = kubeConfig.makeApiClient(CoreV1Api);
const batch = kubeConfig.makeApiClient(BatchV1Api);
const runtimeClasses = kubeConfig.makeApiClient(NodeV1Api);
const nodes = new StandInNodes(kubeConfig, namespace);
let manager: RcmProcess;

const SHA_A = 'a'.repeat(64);
const LOCATION = 'https://downloads.test/containerd-shim-spin-v2-linux-x86_64.tar.gz';

function shimObject(name: string, selector: Record<string, string>, spec: Partial<ShimSpec> = {}): Shim {
  return {
    apiVersion: 'runtime.spinkube.dev/v1alpha1',
    kind: 'Shim',
    metadata: { name },
    spec: {
      nodeSelector: selector,
      fetchStrategy: {
        type: 'anonymousHttp',
        platforms: [{ os: 'linux', arch: 'x86_64', location: LOCATION, sha256: SHA_A }],
      },
      runtimeClass: { name: `rc-${name}`, handler: name },
      rolloutStrategy: { type: 'recreate' },
      ...spec,
    },
  };
}

const readNode = (name: string): Promise<V1Node> => core.readNode({ name });
const labelOf = async (node: string, shim: string) => (await readNode(node)).metadata?.labels?.[shim];
const readJob = (name: string): Promise<V1Job | undefined> =>
  batch.readNamespacedJob({ name, namespace }).catch(() => undefined);
const conditionOf = async (shim: string, type: string) =>
  (await shims.get(shim))?.status?.conditions?.find((c) => c.type === type);

async function labelBecomes(node: string, shim: string, value: string | undefined, timeoutMs = 60_000) {
  await eventually(
    `node ${node} labelled ${shim}=${String(value)}`,
    async () => (await labelOf(node, shim)) === value,
    timeoutMs,
  );
}

async function eventsOf(shim: string): Promise<{ type: string; reason: string; message: string }[]> {
  const events = await core.listNamespacedEvent({
    namespace: 'default',
    fieldSelector: `involvedObject.name=${shim},involvedObject.kind=Shim`,
  });
  return events.items.map((e) => ({ type: e.type ?? '', reason: e.reason ?? '', message: e.message ?? '' }));
}

async function deleteShimAndWait(name: string): Promise<void> {
  await shims.delete(name);
  await eventually(`Shim ${name} gone`, async () => (await shims.get(name)) === undefined, 90_000);
}

/** Every `<shim>` label value each node takes, in order, from a watch on the selected nodes. */
function recordLabels(selector: string, shim: string) {
  const seen: { node: string; value: string | undefined }[] = [];
  const last = new Map<string, string | undefined>();
  let stop: (() => void) | undefined;
  const started = new Watch(kubeConfig)
    .watch(
      '/api/v1/nodes',
      { labelSelector: selector },
      (_type, node: V1Node) => {
        const name = node.metadata?.name ?? '';
        const value = node.metadata?.labels?.[shim];
        if (last.has(name) && last.get(name) === value) return;
        last.set(name, value);
        seen.push({ node: name, value });
      },
      () => undefined,
    )
    .then((request) => {
      stop = () => {
        request.abort();
      };
    });
  return {
    seen,
    stop: async () => {
      await started;
      stop?.();
    },
  };
}

beforeAll(async () => {
  manager = await startRcmProcess({ kubeconfigPath, namespace });
});

afterAll(async () => {
  await manager.stop();
  await nodes.removeAll();
  // What a failing test left: the manager is gone, so its finalizers are dropped by hand.
  const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
  for (const shim of await shims.list()) {
    const name = shim.metadata?.name ?? '';
    if (!name.startsWith('spin-t-')) continue;
    await objects
      .patch(
        {
          apiVersion: 'runtime.spinkube.dev/v1alpha1',
          kind: 'Shim',
          metadata: { name, finalizers: null },
        } as never,
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.MergePatch,
      )
      .catch(() => undefined);
    await shims.delete(name).catch(() => undefined);
  }
});

describe('runtime-class-manager', () => {
  it("labels drive Jobs of upstream's shape; completed Jobs provision the nodes; the RuntimeClass and status follow", async () => {
    const selector = { 'rcm-test': 'shape' };
    await nodes.kwok('shape-a', selector);
    await nodes.kwok('shape-b', selector);
    await nodes.kwok('shape-other', { 'rcm-test': 'elsewhere' });
    const created = await shims.create(
      shimObject('spin-t-shape', selector, { containerdRuntimeOptions: { SystemdCgroup: 'true' } }),
    );

    const job = await eventually('the install Job on shape-a', () => readJob('shape-a-spin-t-shape-install'));
    expect(job.metadata?.annotations).toMatchObject({
      'spinkube.dev/nodeName': 'shape-a',
      'spinkube.dev/shimName': 'spin-t-shape',
      'spinkube.dev/operation': 'install',
    });
    expect(job.metadata?.labels).toEqual({
      'shape-a-spin-t-shape-install': 'true',
      'spinkube.dev/shimName': 'spin-t-shape',
      'spinkube.dev/operation': 'install',
      'spinkube.dev/job': 'true',
    });
    expect(job.metadata?.ownerReferences).toMatchObject([
      { kind: 'Shim', name: 'spin-t-shape', uid: created.metadata?.uid, controller: true },
    ]);
    const pod = job.spec?.template.spec;
    expect(pod).toMatchObject({ nodeName: 'shape-a', hostPID: true, restartPolicy: 'Never' });
    expect(pod?.volumes).toEqual([
      { name: 'shim-download', emptyDir: {} },
      { name: 'root-mount', hostPath: { path: '/', type: '' } },
    ]);
    expect(pod?.initContainers?.[0]).toMatchObject({
      name: 'downloader',
      image: TEST_IMAGES.SHIM_DOWNLOADER_IMAGE,
      securityContext: { privileged: true },
      env: [
        { name: 'SHIM_NAME', value: 'spin-t-shape' },
        { name: 'SHIM_LOCATION', value: LOCATION },
        { name: 'SHIM_SHA256', value: SHA_A },
      ],
      volumeMounts: [{ name: 'shim-download', mountPath: '/assets' }],
    });
    expect(pod?.containers[0]).toMatchObject({
      name: 'provisioner',
      image: TEST_IMAGES.SHIM_NODE_INSTALLER_IMAGE,
      args: ['install', '-H', '/mnt/node-root', '-r', 'spin-t-shape'],
      env: [
        { name: 'HOST_ROOT', value: '/mnt/node-root' },
        { name: 'RUNTIME_OPTIONS', value: '{"SystemdCgroup":"true"}' },
      ],
    });

    await labelBecomes('shape-a', 'spin-t-shape', 'provisioned');
    await labelBecomes('shape-b', 'spin-t-shape', 'provisioned');
    expect(await labelOf('shape-other', 'spin-t-shape')).toBeUndefined();
    expect(await readJob('shape-other-spin-t-shape-install')).toBeUndefined();

    const runtimeClass = await runtimeClasses.readRuntimeClass({ name: 'rc-spin-t-shape' });
    expect(runtimeClass).toMatchObject({
      handler: 'spin-t-shape',
      scheduling: { nodeSelector: { 'rcm-test': 'shape', 'spin-t-shape': 'provisioned' } },
      metadata: { labels: { 'rc-spin-t-shape': 'true' } },
    });
    expect(runtimeClass.metadata?.ownerReferences?.[0]).toMatchObject({
      name: 'spin-t-shape',
      controller: true,
    });

    await eventually(
      'status Ready',
      async () => (await conditionOf('spin-t-shape', 'Ready'))?.status === 'True',
    );
    const shim = await shims.get('spin-t-shape');
    expect(shim?.status).toMatchObject({ nodes: 2, nodesReady: 2 });
    expect(shim?.metadata?.finalizers).toEqual(['rcm.spinkube.dev/finalizer']);
    // Status went through the status subresource: the spec's generation did not move.
    expect(shim?.metadata?.generation).toBe(1);
    expect((await eventsOf('spin-t-shape')).map((e) => e.reason)).toEqual(
      expect.arrayContaining(['RuntimeClassCreated', 'Installing', 'Provisioned']),
    );
  });

  it('a changed sha256 reinstalls provisioned nodes, and a changed runtimeClass or nodeSelector updates the RuntimeClass', async () => {
    const before = (await readNode('shape-a')).metadata?.annotations?.[
      'shim-revision.runtime.spinkube.dev/spin-t-shape'
    ];
    expect(before).toMatch(/^[0-9a-f]{16}$/);
    const recorder = recordLabels('rcm-test=shape', 'spin-t-shape');
    // Retried: the manager's own writes (finalizer, status) move the resourceVersion.
    await eventually('the Shim updated', async () => {
      const shim = await shims.get('spin-t-shape');
      if (!shim?.spec) throw new Error('the Shim is gone');
      await shims.replace({
        ...shim,
        spec: {
          ...shim.spec,
          fetchStrategy: {
            platforms: [{ os: 'linux', arch: 'amd64', location: LOCATION, sha256: 'b'.repeat(64) }],
          },
        },
      });
      return true;
    });
    await eventually('both nodes at the new revision', async () => {
      const revisions = await Promise.all(
        ['shape-a', 'shape-b'].map(async (name) => {
          const node = await readNode(name);
          return node.metadata?.labels?.['spin-t-shape'] === 'provisioned'
            ? node.metadata.annotations?.['shim-revision.runtime.spinkube.dev/spin-t-shape']
            : undefined;
        }),
      );
      return revisions.every((revision) => revision !== undefined && revision !== before);
    });
    await recorder.stop();
    expect(
      recorder.seen
        .filter((s) => s.value === 'pending')
        .map((s) => s.node)
        .sort(),
    ).toEqual(['shape-a', 'shape-b']);
    const job = await readJob('shape-a-spin-t-shape-install');
    expect(job?.spec?.template.spec?.initContainers?.[0]?.env).toContainEqual({
      name: 'SHIM_SHA256',
      value: 'b'.repeat(64),
    });

    // Retried: the manager's own writes (finalizer, status) move the resourceVersion.
    await eventually('the Shim updated', async () => {
      const current = await shims.get('spin-t-shape');
      if (!current?.spec) throw new Error('the Shim is gone');
      await shims.replace({
        ...current,
        spec: { ...current.spec, runtimeClass: { name: 'rc-spin-t-shape-renamed', handler: 'spin-t-shape' } },
      });
      return true;
    });
    await eventually('the renamed RuntimeClass', () =>
      runtimeClasses.readRuntimeClass({ name: 'rc-spin-t-shape-renamed' }).catch(() => undefined),
    );
    await eventually('the old RuntimeClass gone', () =>
      runtimeClasses.readRuntimeClass({ name: 'rc-spin-t-shape' }).then(
        () => false,
        () => true,
      ),
    );
  });

  it('rolling with maxUpdate 1 over three nodes installs one at a time', async () => {
    const selector = { 'rcm-test': 'rolling' };
    for (const name of ['roll-a', 'roll-b', 'roll-c']) await nodes.kwok(name, selector);
    const recorder = recordLabels('rcm-test=rolling', 'spin-t-roll');
    await shims.create(
      shimObject('spin-t-roll', selector, {
        rolloutStrategy: { type: 'rolling', rolling: { maxUpdate: 1 } },
      }),
    );
    for (const name of ['roll-a', 'roll-b', 'roll-c']) await labelBecomes(name, 'spin-t-roll', 'provisioned');
    await recorder.stop();
    const changes = recorder.seen.filter((s) => s.value !== undefined);
    expect(changes).toEqual([
      { node: 'roll-a', value: 'pending' },
      { node: 'roll-a', value: 'provisioned' },
      { node: 'roll-b', value: 'pending' },
      { node: 'roll-b', value: 'provisioned' },
      { node: 'roll-c', value: 'pending' },
      { node: 'roll-c', value: 'provisioned' },
    ]);
  });

  it('a failed node stops a rolling rollout with a condition and an Event naming it and why, and is retried', async () => {
    const selector = { 'rcm-test': 'failing' };
    await nodes.held('fail-a', selector);
    await nodes.held('fail-b', selector);
    await shims.create(
      shimObject('spin-t-fail', selector, {
        rolloutStrategy: { type: 'rolling', rolling: { maxUpdate: 1 } },
      }),
    );
    const why = `downloader: ${LOCATION}: sha256 ${'0'.repeat(64)} does not match SHIM_SHA256 ${SHA_A}`;
    const first = await eventually('the install Job on fail-a', () => readJob('fail-a-spin-t-fail-install'));
    await nodes.finish('fail-a-spin-t-fail-install', { failure: why });

    await labelBecomes('fail-a', 'spin-t-fail', 'failed');
    const degraded = await eventually('Degraded', async () => {
      const condition = await conditionOf('spin-t-fail', 'Degraded');
      return condition?.status === 'True' ? condition : undefined;
    });
    expect(degraded).toMatchObject({ reason: 'NodesFailed', message: `node fail-a: provisioner: ${why}` });
    const progressing = await conditionOf('spin-t-fail', 'Progressing');
    expect(progressing).toMatchObject({ status: 'False', reason: 'RolloutStopped' });
    expect(progressing?.message).toContain('1 node(s) wait until it is provisioned');
    expect(await eventsOf('spin-t-fail')).toContainEqual({
      type: 'Warning',
      reason: 'InstallFailed',
      message: `node fail-a: provisioner: ${why}`,
    });
    expect(await labelOf('fail-b', 'spin-t-fail')).toBeUndefined();

    // After the back-off (10 s) the failed Job is replaced; fail-b still waits.
    const retry = await eventually(
      'a second install Job on fail-a',
      async () => {
        const job = await readJob('fail-a-spin-t-fail-install');
        return job && job.metadata?.uid !== first.metadata?.uid ? job : undefined;
      },
      40_000,
    );
    expect(retry.metadata?.annotations?.['runtime.spinkube.dev/attempt']).toBe('2');
    // The replaced Job took its pod with it (deleted in the background, not orphaned).
    await eventually("the first Job's pod collected", async () => {
      const pods = await core.listNamespacedPod({
        namespace,
        labelSelector: `batch.kubernetes.io/controller-uid=${first.metadata?.uid ?? ''}`,
      });
      return pods.items.length === 0;
    });
    expect(await labelOf('fail-a', 'spin-t-fail')).toBe('pending');
    expect(await labelOf('fail-b', 'spin-t-fail')).toBeUndefined();
    await nodes.finish('fail-a-spin-t-fail-install');
    await labelBecomes('fail-a', 'spin-t-fail', 'provisioned');
    await labelBecomes('fail-b', 'spin-t-fail', 'pending');
    await nodes.finish('fail-b-spin-t-fail-install');
    await labelBecomes('fail-b', 'spin-t-fail', 'provisioned');
    await eventually(
      'Degraded clears',
      async () => (await conditionOf('spin-t-fail', 'Degraded'))?.status === 'False',
    );
  });

  it('a Shim whose platforms match no node, and one whose spec cannot work, say so and touch no node', async () => {
    await nodes.held('arm-a', { 'rcm-test': 'arm' }, 'arm64');
    await shims.create(shimObject('spin-t-arm', { 'rcm-test': 'arm' }));
    const degraded = await eventually('Degraded', async () => {
      const condition = await conditionOf('spin-t-arm', 'Degraded');
      return condition?.status === 'True' ? condition : undefined;
    });
    expect(degraded).toMatchObject({
      reason: 'NoMatchingPlatform',
      message: 'node arm-a: no download for linux/arm64 in spec.fetchStrategy',
    });
    await eventually('a NoMatchingPlatform Event', async () =>
      (await eventsOf('spin-t-arm')).some((e) => e.type === 'Warning' && e.reason === 'NoMatchingPlatform'),
    );
    expect(await readJob('arm-a-spin-t-arm-install')).toBeUndefined();
    expect(await labelOf('arm-a', 'spin-t-arm')).toBeUndefined();

    await shims.create(
      shimObject('spin-t-bad', { 'rcm-test': 'arm' }, { runtimeClass: { name: 'rc-bad', handler: 'spin' } }),
    );
    const invalid = await eventually('Degraded', async () => {
      const condition = await conditionOf('spin-t-bad', 'Degraded');
      return condition?.status === 'True' ? condition : undefined;
    });
    expect(invalid).toMatchObject({ reason: 'InvalidSpec' });
    expect(invalid.message).toContain(
      'spec.runtimeClass.handler: "spin" must equal metadata.name "spin-t-bad"',
    );
    expect(await runtimeClasses.readRuntimeClass({ name: 'rc-bad' }).catch(() => undefined)).toBeUndefined();
    await deleteShimAndWait('spin-t-bad');
    await deleteShimAndWait('spin-t-arm');
  });

  it('deleting a Shim uninstalls it from its nodes, then removes the Shim, its RuntimeClass and its Jobs', async () => {
    await deleteShimAndWait('spin-t-shape');
    for (const name of ['shape-a', 'shape-b']) {
      const node = await readNode(name);
      expect(node.metadata?.labels?.['spin-t-shape']).toBeUndefined();
      expect(node.metadata?.annotations?.['shim-revision.runtime.spinkube.dev/spin-t-shape']).toBeUndefined();
    }
    expect((await eventsOf('spin-t-shape')).map((e) => e.reason)).toEqual(
      expect.arrayContaining(['Uninstalling', 'Uninstalled']),
    );
    await eventually('the RuntimeClass collected', () =>
      runtimeClasses.readRuntimeClass({ name: 'rc-spin-t-shape-renamed' }).then(
        () => false,
        () => true,
      ),
    );
    await eventually('no Job of the Shim left', async () => {
      const jobs = await batch.listNamespacedJob({
        namespace,
        labelSelector: 'spinkube.dev/shimName=spin-t-shape',
      });
      return jobs.items.length === 0;
    });
  });

  it('a manager killed mid-rollout loses nothing: the next one carries on from the labels and Jobs', async () => {
    const selector = { 'rcm-test': 'crash' };
    await nodes.held('crash-a', selector);
    await nodes.held('crash-b', selector);
    await shims.create(
      shimObject('spin-t-crash', selector, {
        rolloutStrategy: { type: 'rolling', rolling: { maxUpdate: 1 } },
      }),
    );
    const first = await eventually('the install Job on crash-a', () =>
      readJob('crash-a-spin-t-crash-install'),
    );
    expect(await manager.stop('SIGKILL')).toBe('SIGKILL');
    await nodes.finish('crash-a-spin-t-crash-install');
    await eventually('the Job complete', async () =>
      (await readJob('crash-a-spin-t-crash-install'))?.status?.conditions?.some(
        (c) => c.type === 'Complete' && c.status === 'True',
      ),
    );
    expect(await labelOf('crash-a', 'spin-t-crash')).toBe('pending');

    manager = await startRcmProcess({ kubeconfigPath, namespace });
    await labelBecomes('crash-a', 'spin-t-crash', 'provisioned');
    await labelBecomes('crash-b', 'spin-t-crash', 'pending');
    expect((await readJob('crash-a-spin-t-crash-install'))?.metadata?.uid).toBe(first.metadata?.uid);
    await nodes.finish('crash-b-spin-t-crash-install');
    await labelBecomes('crash-b', 'spin-t-crash', 'provisioned');
    await eventually('Ready', async () => (await conditionOf('spin-t-crash', 'Ready'))?.status === 'True');
    const installs = await batch.listNamespacedJob({
      namespace,
      labelSelector: 'spinkube.dev/shimName=spin-t-crash',
    });
    expect(installs.items.map((j) => j.metadata?.annotations?.['runtime.spinkube.dev/attempt'])).toEqual([
      '1',
      '1',
    ]);
  });
});
