/**
 * What happens to SpinApps and executors over time, with the real `spin-operator` binary (no webhooks)
 * running against a real cluster whose controller manager collects garbage and rolls Deployments out:
 * deletion, blocked executor deletion, late executors, runtime-config Secret changes, executor changes,
 * the scale subresource and `status.observedGeneration`. Where this operator reacts faster than upstream (a
 * watch instead of upstream's back-off retries), the test checks the reaction came before the retry was due.
 */
import {
  ApiException,
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  NodeV1Api,
  PatchStrategy,
  setHeaderOptions,
  type CoreV1Event,
  type V1Deployment,
  type V1RuntimeClass,
} from '@kubernetes/client-node';
import type { SpinApp, SpinAppExecutor } from '@spinkube/api';
import { useNamespace } from '@spinkube/test-cluster/vitest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startOperatorProcess, type OperatorProcess } from './operator-process.js';
import { sampleText } from './upstream-samples.js';

const { kubeConfig, kubeconfigPath, namespace } = useNamespace('lifecycle');
const apps = kubeConfig.makeApiClient(AppsV1Api);
const core = kubeConfig.makeApiClient(CoreV1Api);
const custom = kubeConfig.makeApiClient(CustomObjectsApi);
const node = kubeConfig.makeApiClient(NodeV1Api);
const group = { group: 'core.spinkube.dev', version: 'v1alpha1' } as const;
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const WAIT = { timeout: 30_000, interval: 100 };
/** A second RuntimeClass (cluster-scoped, so named after the namespace) for executor changes. */
const otherRuntimeClass = `${namespace}-spin`;
/** The controllers' back-off: 5 ms doubled on every failure (reference §2.1). */
const BASE_DELAY_MS = 5;

let operator: OperatorProcess;

/** The first object of `kind` in a sample file, as parsed. */
function sampleObject(file: string, kind: string): { kind?: string } {
  const found = parseAllDocuments(sampleText(file))
    .map((document) => document.toJS() as { kind?: string } | null)
    .find((object) => object?.kind === kind);
  if (!found) throw new Error(`${file} holds no ${kind}`);
  return found;
}

/** A SpinApp sample under another name, so each test has an app of its own. */
function sampleApp(file: string, name: string, spec: Partial<NonNullable<SpinApp['spec']>> = {}): SpinApp {
  const app = sampleObject(file, 'SpinApp') as SpinApp;
  return { ...app, metadata: { name }, spec: { ...app.spec, ...spec } as SpinApp['spec'] };
}

/** spin-shim-executor.yaml's executor under another name; no default CA bundle unless `deploymentConfig` asks. */
function shimExecutor(name: string, deploymentConfig: Record<string, unknown> = {}): SpinAppExecutor {
  const executor = sampleObject('spin-shim-executor.yaml', 'SpinAppExecutor') as SpinAppExecutor;
  return {
    ...executor,
    metadata: { name },
    spec: {
      createDeployment: true,
      deploymentConfig: { runtimeClassName: 'wasmtime-spin-v2', ...deploymentConfig },
    },
  };
}

async function createApp(app: SpinApp): Promise<void> {
  await custom.createNamespacedCustomObject({ ...group, namespace, plural: 'spinapps', body: app });
}

async function createExecutor(executor: SpinAppExecutor): Promise<void> {
  await custom.createNamespacedCustomObject({
    ...group,
    namespace,
    plural: 'spinappexecutors',
    body: executor,
  });
}

async function readApp(name: string): Promise<SpinApp> {
  return (await custom.getNamespacedCustomObject({
    ...group,
    namespace,
    plural: 'spinapps',
    name,
  })) as SpinApp;
}

async function patch(plural: 'spinapps' | 'spinappexecutors', name: string, body: object): Promise<void> {
  await custom.patchNamespacedCustomObject({ ...group, namespace, plural, name, body }, mergePatch);
}

async function readDeployment(name: string): Promise<V1Deployment> {
  return apps.readNamespacedDeployment({ name, namespace });
}

async function expectGone(read: () => Promise<unknown>): Promise<void> {
  await expect(read()).rejects.toSatisfy(
    (error: unknown) => error instanceof ApiException && error.code === 404,
  );
}

/** The Deployment has rolled out its latest template: every pod updated, ready, none of an older one. */
async function rolledOut(name: string, replicas = 1): Promise<V1Deployment> {
  return vi.waitFor(async () => {
    const deployment = await readDeployment(name);
    const status = deployment.status;
    expect(status?.observedGeneration).toBe(deployment.metadata?.generation);
    expect(status?.updatedReplicas).toBe(replicas);
    expect(status?.replicas).toBe(replicas);
    expect(status?.readyReplicas).toBe(replicas);
    return deployment;
  }, WAIT);
}

async function readyApp(name: string): Promise<SpinApp> {
  return vi.waitFor(async () => {
    const app = await readApp(name);
    expect(app.status?.readyReplicas).toBe(app.spec?.replicas);
    expect(app.status?.conditions?.find((c) => c.type === 'Available')?.status).toBe('True');
    return app;
  }, WAIT);
}

async function events(involvedName: string, reason: string): Promise<CoreV1Event[]> {
  const list = await core.listNamespacedEvent({
    namespace,
    fieldSelector: `involvedObject.name=${involvedName},reason=${reason}`,
  });
  return list.items;
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

function runtimeConfigVolume(deployment: V1Deployment): string | undefined {
  return deployment.spec?.template.spec?.volumes?.find((v) => v.name === 'spin-runtime-config')?.secret
    ?.secretName;
}

/**
 * Waits until the controller has failed on `name` at least `failures` times, and returns when its next
 * back-off retry is due: anything that happens well before then came from a watch, not from the retry.
 */
async function backedOff(controller: string, name: string, failures: number): Promise<number> {
  const line = await operator.waitForLog(
    (l) =>
      l['msg'] === 'Reconciler error' &&
      l['controller'] === controller &&
      l['namespace'] === namespace &&
      l['name'] === name &&
      Number(l['retries']) >= failures,
  );
  return Date.parse(String(line['ts'])) + BASE_DELAY_MS * 2 ** (Number(line['retries']) - 1);
}

beforeAll(async () => {
  for (const runtimeClass of [
    sampleObject('spin-runtime-class.yaml', 'RuntimeClass') as V1RuntimeClass,
    { metadata: { name: otherRuntimeClass }, handler: 'spin' },
  ]) {
    await node.createRuntimeClass({ body: runtimeClass }).catch((error: unknown) => {
      if (!(error instanceof ApiException && error.code === 409)) throw error;
    });
  }
  operator = await startOperatorProcess({ kubeconfigPath, namespace, watchNamespace: namespace });
  await createExecutor(sampleObject('spin-shim-executor.yaml', 'SpinAppExecutor'));
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
  await node.deleteRuntimeClass({ name: otherRuntimeClass }).catch(() => undefined);
  await operator.stop();
});

describe('SpinApp and SpinAppExecutor lifecycle with spin-operator (no webhooks)', () => {
  it('blocks deleting an executor while an app uses it, and lets it go as soon as the app goes', async () => {
    await createExecutor(shimExecutor('blocked-executor'));
    await createApp(sampleApp('simple.yaml', 'blocked-app', { executor: 'blocked-executor' }));
    await readyApp('blocked-app');
    await vi.waitFor(async () => {
      const executor = (await custom.getNamespacedCustomObject({
        ...group,
        namespace,
        plural: 'spinappexecutors',
        name: 'blocked-executor',
      })) as SpinAppExecutor;
      expect(executor.metadata?.finalizers).toEqual(['core.spinkube.dev/finalizer']);
    }, WAIT);

    await custom.deleteNamespacedCustomObject({
      ...group,
      namespace,
      plural: 'spinappexecutors',
      name: 'blocked-executor',
    });
    const [event] = await vi.waitFor(async () => {
      const found = await events('blocked-executor', 'DeletionBlocked');
      expect(found).toHaveLength(1);
      return found;
    }, WAIT);
    expect(event).toMatchObject({
      type: 'Warning',
      reason: 'DeletionBlocked',
      message: 'Cannot delete SpinAppExecutor with dependent SpinApps',
      source: { component: 'spinappexecutor-reconciler' },
      involvedObject: { kind: 'SpinAppExecutor', name: 'blocked-executor', namespace },
    });
    const nextRetry = await backedOff('spinappexecutor', 'blocked-executor', 10);
    const stuck = (await custom.getNamespacedCustomObject({
      ...group,
      namespace,
      plural: 'spinappexecutors',
      name: 'blocked-executor',
    })) as SpinAppExecutor;
    expect(stuck.metadata?.deletionTimestamp).toBeDefined();
    expect(stuck.metadata?.finalizers).toEqual(['core.spinkube.dev/finalizer']);

    await custom.deleteNamespacedCustomObject({
      ...group,
      namespace,
      plural: 'spinapps',
      name: 'blocked-app',
    });
    await vi.waitFor(async () => {
      await expectGone(() =>
        custom.getNamespacedCustomObject({
          ...group,
          namespace,
          plural: 'spinappexecutors',
          name: 'blocked-executor',
        }),
      );
    }, WAIT);
    // Upstream would have waited for this retry; the app's deletion re-queued the executor at once.
    expect(Date.now()).toBeLessThan(nextRetry);
  });

  it('reports MissingExecutor for an absent executor, and reconciles as soon as it is created', async () => {
    await createApp(sampleApp('simple.yaml', 'late-app', { executor: 'late-executor' }));
    const [event] = await vi.waitFor(async () => {
      const found = await events('late-app', 'MissingExecutor');
      expect(found).toHaveLength(1);
      return found;
    }, WAIT);
    expect(event).toMatchObject({
      type: 'Warning',
      reason: 'MissingExecutor',
      message: `Could not find SpinAppExecutor ${namespace}/late-executor`,
      source: { component: 'spinapp-reconciler' },
      involvedObject: { kind: 'SpinApp', name: 'late-app', namespace },
    });
    const nextRetry = await backedOff('spinapp', 'late-app', 10);
    await expectGone(() => readDeployment('late-app'));
    // No status is written while the executor is missing.
    expect((await readApp('late-app')).status).toBeUndefined();

    await createExecutor(shimExecutor('late-executor'));
    await vi.waitFor(() => readDeployment('late-app'), WAIT);
    expect(Date.now()).toBeLessThan(nextRetry);
    expect((await readyApp('late-app')).status?.activeScheduler).toBe('late-executor');
  });

  it('re-renders when a Secret read by runtimeConfig changes, and deletes the old one after the rollout', async () => {
    const toml = (redisUrl: string) =>
      [
        '[[config_provider]]',
        "type = 'env'",
        "prefix = 'SPIN_VARIABLE_'",
        '',
        '[key_value_store]',
        '[key_value_store.default]',
        "type = 'redis'",
        `url = '${redisUrl}'`,
        '',
        '[sqlite_database]',
        '[sqlite_database.default]',
        "token = 'turso'",
        "type = 'libsql'",
        "url = 'https://sensational-penguin-ahacker.libsql.example.com'",
        '',
        '[llm_compute]',
        "auth_token = 'llm'",
        "type = 'remote_http'",
        "url = 'https://llm-app.fermyon.app'",
        '',
      ].join('\n');
    const secretName = (redisUrl: string) => `rc-app-${adler32(toml(redisUrl))}`;
    const setUrl = async (url: string) => {
      const body = {
        metadata: { name: 'my-super-secret' },
        stringData: { 'turso-token': 'turso', 'llm-token': 'llm', 'redis-full-url': url },
      };
      await core.replaceNamespacedSecret({ name: 'my-super-secret', namespace, body });
    };
    const appSecrets = async () =>
      (
        await core.listNamespacedSecret({ namespace, labelSelector: 'core.spinkube.dev/app-name=rc-app' })
      ).items.map((s) => s.metadata?.name);
    const renderedFor = async (url: string) => {
      await vi.waitFor(async () => {
        const secret = await core.readNamespacedSecret({ name: secretName(url), namespace });
        expect(Buffer.from(secret.data?.['runtime-config.toml'] ?? '', 'base64').toString()).toBe(toml(url));
        expect(runtimeConfigVolume(await readDeployment('rc-app'))).toBe(secretName(url));
      }, WAIT);
    };

    await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name: 'my-super-secret' },
        stringData: { 'turso-token': 'turso', 'llm-token': 'llm', 'redis-full-url': 'redis://one:6379' },
      },
    });
    await createExecutor(shimExecutor('rc-executor'));
    await createApp(sampleApp('runtime-config.yaml', 'rc-app', { executor: 'rc-executor' }));
    await renderedFor('redis://one:6379');
    await rolledOut('rc-app');

    await setUrl('redis://two:6379');
    await renderedFor('redis://two:6379');
    await rolledOut('rc-app');
    await vi.waitFor(async () => {
      expect(await appSecrets()).toEqual([secretName('redis://two:6379')]);
    }, WAIT);

    // While a rollout cannot finish (its pods need a RuntimeClass that does not exist), the Secret the
    // running pod mounts stays.
    await patch('spinappexecutors', 'rc-executor', {
      spec: { deploymentConfig: { runtimeClassName: `${namespace}-missing` } },
    });
    await setUrl('redis://three:6379');
    await renderedFor('redis://three:6379');
    await vi.waitFor(async () => {
      const deployment = await readDeployment('rc-app');
      const failure = deployment.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
      expect(failure?.status).toBe('True');
    }, WAIT);
    // The Deployment's change reaches the operator at once; for 2 s after, both Secrets stay.
    for (const until = Date.now() + 2_000; Date.now() < until;) {
      expect((await appSecrets()).sort()).toEqual(
        [secretName('redis://two:6379'), secretName('redis://three:6379')].sort(),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    await patch('spinappexecutors', 'rc-executor', {
      spec: { deploymentConfig: { runtimeClassName: 'wasmtime-spin-v2' } },
    });
    await rolledOut('rc-app');
    await vi.waitFor(async () => {
      expect(await appSecrets()).toEqual([secretName('redis://three:6379')]);
    }, WAIT);
  });

  it('re-renders the Deployment when its executor changes', async () => {
    await createExecutor(shimExecutor('edit-executor'));
    await createApp(sampleApp('simple.yaml', 'edit-app', { executor: 'edit-executor' }));
    const before = await rolledOut('edit-app');
    expect(before.spec?.template.spec?.volumes?.map((v) => v.name)).toEqual(['spin-runtime-config']);

    await patch('spinappexecutors', 'edit-executor', {
      spec: { deploymentConfig: { installDefaultCACerts: true } },
    });
    await vi.waitFor(async () => {
      const pod = (await readDeployment('edit-app')).spec?.template.spec;
      expect(pod?.volumes?.map((v) => `${v.name}:${v.secret?.secretName ?? ''}`)).toEqual([
        'spin-runtime-config:edit-app-760b133c',
        'spin-ca:spin-ca',
      ]);
      expect(pod?.containers[0]?.volumeMounts?.map((m) => `${m.name}:${m.mountPath}`)).toEqual([
        'spin-runtime-config:/runtime-config.toml',
        'spin-ca:/etc/ssl/certs/ca-certificates.crt',
      ]);
    }, WAIT);
    await core.readNamespacedSecret({ name: 'spin-ca', namespace });

    await patch('spinappexecutors', 'edit-executor', {
      spec: { deploymentConfig: { runtimeClassName: otherRuntimeClass } },
    });
    const after = await vi.waitFor(async () => {
      const deployment = await readDeployment('edit-app');
      expect(deployment.spec?.template.spec?.runtimeClassName).toBe(otherRuntimeClass);
      return deployment;
    }, WAIT);
    expect(after.metadata?.generation).toBe((before.metadata?.generation ?? 0) + 2);
    await rolledOut('edit-app');
  });

  it('scales through the SpinApp scale subresource', async () => {
    await createApp(sampleApp('simple.yaml', 'scale-app'));
    await readyApp('scale-app');
    await custom.patchNamespacedCustomObjectScale(
      { ...group, namespace, plural: 'spinapps', name: 'scale-app', body: { spec: { replicas: 3 } } },
      mergePatch,
    );
    expect((await readApp('scale-app')).spec?.replicas).toBe(3);
    await rolledOut('scale-app', 3);
    const app = await vi.waitFor(async () => {
      const read = await readApp('scale-app');
      expect(read.status).toMatchObject({ replicas: 3, readyReplicas: 3 });
      return read;
    }, WAIT);
    expect(app.status?.selector).toBe('core.spinkube.dev/app-name=scale-app');
    const scale = (await custom.getNamespacedCustomObjectScale({
      ...group,
      namespace,
      plural: 'spinapps',
      name: 'scale-app',
    })) as { spec?: { replicas?: number }; status?: { replicas?: number; selector?: string } };
    expect(scale.spec?.replicas).toBe(3);
    expect(scale.status).toEqual({ replicas: 3, selector: 'core.spinkube.dev/app-name=scale-app' });
  });

  it('moves status.observedGeneration with metadata.generation after a spec change', async () => {
    await createApp(sampleApp('simple.yaml', 'gen-app'));
    const first = await readyApp('gen-app');
    expect(first.metadata?.generation).toBe(1);
    expect(first.status?.observedGeneration).toBe(1);

    const image = 'ghcr.io/spinframework/containerd-shim-spin/examples/spin-rust-hello:v0.22.0';
    await patch('spinapps', 'gen-app', { spec: { image } });
    await vi.waitFor(async () => {
      const app = await readApp('gen-app');
      expect(app.metadata?.generation).toBe(2);
      expect(app.status?.observedGeneration).toBe(2);
    }, WAIT);
    expect((await rolledOut('gen-app')).spec?.template.spec?.containers[0]?.image).toBe(image);
    // A status write does not move the generation.
    expect((await readyApp('gen-app')).metadata?.generation).toBe(2);
  });

  it('keeps status.observedGeneration until a generation has been reconciled without error', async () => {
    await createApp(sampleApp('simple.yaml', 'unrendered-app'));
    await vi.waitFor(async () => {
      expect((await readApp('unrendered-app')).status?.observedGeneration).toBe(1);
    }, WAIT);
    // Generation 2 reads a Secret that does not exist yet: nothing can be rendered for it.
    const runtimeConfig = {
      keyValueStores: [
        {
          name: 'default',
          type: 'redis',
          options: [{ name: 'url', valueFrom: { secretKeyRef: { name: 'kv-secret', key: 'url' } } }],
        },
      ],
    };
    await patch('spinapps', 'unrendered-app', { spec: { runtimeConfig } });
    await operator.waitForLog(
      (l) =>
        l['msg'] === 'Reconciler error' &&
        l['name'] === 'unrendered-app' &&
        l['error'] === 'failed to construct RuntimeConfig: secrets "kv-secret" not found',
    );
    const failed = await readApp('unrendered-app');
    expect(failed.metadata?.generation).toBe(2);
    expect(failed.status?.observedGeneration).toBe(1);

    await core.createNamespacedSecret({
      namespace,
      body: { metadata: { name: 'kv-secret' }, stringData: { url: 'redis://kv:6379' } },
    });
    await vi.waitFor(async () => {
      expect((await readApp('unrendered-app')).status?.observedGeneration).toBe(2);
    }, WAIT);
    const toml =
      "[[config_provider]]\ntype = 'env'\nprefix = 'SPIN_VARIABLE_'\n\n" +
      "[key_value_store]\n[key_value_store.default]\ntype = 'redis'\nurl = 'redis://kv:6379'\n";
    expect(runtimeConfigVolume(await readDeployment('unrendered-app'))).toBe(
      `unrendered-app-${adler32(toml)}`,
    );
  });

  it('deleting a SpinApp garbage-collects its Deployment, Service and runtime-config Secret', async () => {
    await createApp(sampleApp('simple.yaml', 'gc-app'));
    await readyApp('gc-app');
    const secret = 'gc-app-760b133c';
    await core.readNamespacedSecret({ name: secret, namespace });
    await core.readNamespacedService({ name: 'gc-app', namespace });

    await custom.deleteNamespacedCustomObject({ ...group, namespace, plural: 'spinapps', name: 'gc-app' });
    // The garbage collector watches a CRD's objects only from its first discovery pass after the CRD was
    // installed (kube-controller-manager rediscovers every 30 s; measured ~43 s on a fresh local cluster).
    // Until then a deleted SpinApp goes unnoticed, so a run right after the cluster started waits for it.
    const crd = await kubeConfig
      .makeApiClient(ApiextensionsV1Api)
      .readCustomResourceDefinition({ name: 'spinapps.core.spinkube.dev' });
    const collectorWatches = (crd.metadata?.creationTimestamp?.getTime() ?? 0) + 60_000;
    await vi.waitFor(
      async () => {
        await expectGone(() => readDeployment('gc-app'));
        await expectGone(() => core.readNamespacedService({ name: 'gc-app', namespace }));
        await expectGone(() => core.readNamespacedSecret({ name: secret, namespace }));
      },
      { ...WAIT, timeout: Math.max(WAIT.timeout, collectorWatches - Date.now()) },
    );
    // The CA bundle belongs to the namespace, not to the app.
    const ca = await core.readNamespacedSecret({ name: 'spin-ca', namespace });
    expect(ca.metadata?.deletionTimestamp).toBeUndefined();
  });
});
