/**
 * The admission webhooks of a real spin-operator process, reached the way users reach them: through the API
 * server (client-node create/replace), which calls the operator's HTTPS server over the webhook
 * configurations the operator applied for itself (URL mode) and trusts through the CA it injected.
 *
 * Every SpinApp rule (1, 1b, 2, 2b, 3, 3b, 4, 4b) and both SpinAppExecutor rules are refused with upstream's
 * exact message (reference §3.2), prefixed by the API server with `admission webhook "<name>" denied the
 * request: `, with HTTP 422 and one cause per error; our addition (an executor with `createDeployment: true`
 * and no `deploymentConfig`) too. UPDATE is validated like CREATE.
 *
 * Defaulting: upstream lists the executors of every namespace and takes the first name in byte order. This
 * operator runs with `--watch-namespace`, so its executor informer (and the API fallback on an empty cache)
 * only sees this file's namespace: the default is chosen among this namespace's executors. That is what an
 * operator scoped to one namespace should do, and it keeps this file independent of the executors other
 * test files create in the shared cluster at the same time.
 *
 * The operator keeps its CA and serving certificate in the Secret `webhook-cert-<namespace>`; a restart
 * reuses them (no new CA, so the caBundle the API server trusts does not change).
 */
import {
  AdmissionregistrationV1Api,
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  type V1ObjectMeta,
} from '@kubernetes/client-node';
import { useNamespace } from '@spinkube/test-cluster/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_DEFINITIONS } from '../src/operator/webhooks.js';
import { startOperatorProcess, type OperatorProcess } from './operator-process.js';

const { kubeConfig, kubeconfigPath, namespace } = useNamespace('webhooks');
const custom = kubeConfig.makeApiClient(CustomObjectsApi);
const core = kubeConfig.makeApiClient(CoreV1Api);
const admission = kubeConfig.makeApiClient(AdmissionregistrationV1Api);

const mutatingName = `mutating-${namespace}`;
const validatingName = `validating-${namespace}`;
const certSecret = `webhook-cert-${namespace}`;
const group = 'core.spinkube.dev';
const version = 'v1alpha1';

const spinAppDenied = (name: string, errors: string) =>
  `admission webhook "vspinapp.kb.io" denied the request: SpinApp.core.spinkube.dev "${name}" is invalid: ${errors}`;
const executorDenied = (name: string, errors: string) =>
  `admission webhook "vspinappexecutor.kb.io" denied the request: SpinAppExecutor.core.spinkube.dev "${name}" is invalid: ${errors}`;

/** A SpinApp or SpinAppExecutor as sent and read back: the spec is loose on purpose (invalid ones too). */
interface Resource {
  apiVersion: string;
  kind: string;
  metadata: V1ObjectMeta;
  spec: Record<string, unknown>;
}

interface Status {
  readonly code: number;
  readonly reason?: string;
  readonly message: string;
  readonly details?: {
    readonly name?: string;
    readonly group?: string;
    readonly kind?: string;
    readonly causes?: readonly { reason?: string; message?: string; field?: string }[];
  };
}

/** The Status the API server refused `request` with (fails the test if it was accepted). */
async function refusal(request: Promise<unknown>): Promise<Status & { readonly httpCode: number }> {
  try {
    await request;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const body: unknown = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
    return { ...(body as Status), httpCode: error.code };
  }
  throw new Error('the API server accepted a request that should have been refused');
}

function app(name: string, spec: Record<string, unknown>): Resource {
  return {
    apiVersion: `${group}/${version}`,
    kind: 'SpinApp',
    metadata: { name, namespace },
    spec: { image: 'ghcr.io/spinkube/containerd-shim-spin/examples/spin-rust-hello:v0.13.0', ...spec },
  };
}

function executor(name: string, spec: Record<string, unknown>): Resource {
  return {
    apiVersion: `${group}/${version}`,
    kind: 'SpinAppExecutor',
    metadata: { name, namespace },
    spec,
  };
}

const createApp = (body: Resource, dryRun = false) =>
  custom.createNamespacedCustomObject({
    group,
    version,
    namespace,
    plural: 'spinapps',
    body,
    ...(dryRun ? { dryRun: 'All' } : {}),
  }) as Promise<Resource>;
type Plural = 'spinapps' | 'spinappexecutors';
const read = (plural: Plural, name: string) =>
  custom.getNamespacedCustomObject({ group, version, namespace, plural, name }) as Promise<Resource>;
/**
 * Replaces the stored object with `change` applied to its spec (an UPDATE through the webhooks), reading it
 * again when the operator wrote in between (its finalizer, the app status): the API server checks the
 * resourceVersion before it calls the webhooks, so a 409 says nothing about them.
 */
async function update(
  plural: Plural,
  name: string,
  change: (spec: Record<string, unknown>) => Record<string, unknown>,
): Promise<Resource> {
  for (let attempt = 1; ; attempt++) {
    const stored = await read(plural, name);
    try {
      return (await custom.replaceNamespacedCustomObject({
        group,
        version,
        namespace,
        plural,
        name,
        body: { ...stored, spec: change(stored.spec) },
      })) as Resource;
    } catch (error) {
      if (!(error instanceof ApiException) || error.code !== 409 || attempt === 10) throw error;
    }
  }
}
const createExecutor = (body: Resource) =>
  custom.createNamespacedCustomObject({
    group,
    version,
    namespace,
    plural: 'spinappexecutors',
    body,
  }) as Promise<Resource>;
const listExecutors = async () =>
  (
    (await custom.listNamespacedCustomObject({
      group,
      version,
      namespace,
      plural: 'spinappexecutors',
    })) as { items: Resource[] }
  ).items;

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not within ${String(timeoutMs)} ms${last instanceof Error ? ` (last error: ${last.message})` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The API server picks configuration changes up asynchronously: until it calls this operator (with the CA
 * injected and the current URL), a create may pass unhooked or fail to connect. A dry-run create of an
 * invalid app is refused by our validating webhook once it does (webhooks with sideEffects None are called
 * on dry runs), and nothing is stored meanwhile.
 */
async function webhooksEffective(): Promise<void> {
  const probe = app('probe', { executor: 'cyclotron', replicas: 1 });
  await until('the API server calls the webhooks', async () => {
    const status = await refusal(createApp(probe, true)).catch(() => undefined);
    return status?.message.startsWith('admission webhook "vspinapp.kb.io" denied the request')
      ? true
      : undefined;
  });
}

let operator: OperatorProcess;

beforeAll(async () => {
  operator = await startOperatorProcess({
    kubeconfigPath,
    namespace,
    watchNamespace: namespace,
    webhooks: true,
  });
  await webhooksEffective();
}, 90_000);

afterAll(async () => {
  // Apps first, then executors, while the operator still runs to remove the executors' finalizers (else the
  // namespace would stay Terminating). The configurations go last: failurePolicy Fail would otherwise refuse
  // this namespace's requests once the operator is gone (they are scoped to it, so other files never see them).
  await custom
    .deleteCollectionNamespacedCustomObject({ group, version, namespace, plural: 'spinapps' })
    .catch(() => undefined);
  await custom
    .deleteCollectionNamespacedCustomObject({ group, version, namespace, plural: 'spinappexecutors' })
    .catch(() => undefined);
  await until('executors gone', async () => ((await listExecutors()).length === 0 ? true : undefined)).catch(
    () => undefined,
  );
  await admission.deleteMutatingWebhookConfiguration({ name: mutatingName }).catch(() => undefined);
  await admission.deleteValidatingWebhookConfiguration({ name: validatingName }).catch(() => undefined);
}, 60_000);

describe('webhook configurations and certificate', () => {
  it('keeps its CA and serving certificate in a kubernetes.io/tls Secret and injects the CA into both configurations', async () => {
    const secret = await core.readNamespacedSecret({ name: certSecret, namespace });
    expect(secret.type).toBe('kubernetes.io/tls');
    expect(Object.keys(secret.data ?? {}).sort()).toEqual(['ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
    const caBundle = secret.data?.['ca.crt'] ?? '';
    expect(Buffer.from(caBundle, 'base64').toString()).toMatch(/^-----BEGIN CERTIFICATE-----/);

    const mutating = await admission.readMutatingWebhookConfiguration({ name: mutatingName });
    const validating = await admission.readValidatingWebhookConfiguration({ name: validatingName });
    const url = `https://127.0.0.1:${String(operator.ports.webhook)}`;
    for (const [configuration, definitions] of [
      [mutating, WEBHOOK_DEFINITIONS.mutating],
      [validating, WEBHOOK_DEFINITIONS.validating],
    ] as const) {
      expect(
        configuration.webhooks?.map((webhook) => ({
          name: webhook.name,
          url: webhook.clientConfig.url,
          caBundle: webhook.clientConfig.caBundle,
          failurePolicy: webhook.failurePolicy,
          sideEffects: webhook.sideEffects,
          admissionReviewVersions: webhook.admissionReviewVersions,
          rules: webhook.rules,
          namespaceSelector: webhook.namespaceSelector,
        })),
      ).toEqual(
        definitions.map((definition) => ({
          name: definition.name,
          url: `${url}${definition.path}`,
          caBundle,
          failurePolicy: 'Fail',
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
          rules: definition.rules.map((rule) => ({
            apiGroups: rule.apiGroups,
            apiVersions: rule.apiVersions,
            operations: rule.operations,
            resources: rule.resources,
            scope: '*',
          })),
          // Scoped to the watched namespace, so the other test files' namespaces are never hooked.
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
        })),
      );
    }
    expect(mutating.webhooks?.map((webhook) => webhook.name)).toEqual([
      'mspinapp.kb.io',
      'mspinappexecutor.kb.io',
    ]);
    expect(validating.webhooks?.map((webhook) => webhook.name)).toEqual([
      'vspinapp.kb.io',
      'vspinappexecutor.kb.io',
    ]);
  });
});

describe('SpinApp admission through the API server', () => {
  it('rule 1: with no executor in the namespace, an empty executor stays empty and is refused', async () => {
    const status = await refusal(createApp(app('spinapp', { executor: '', replicas: 1 })));
    expect(status.message).toBe(
      spinAppDenied(
        'spinapp',
        'spec.executor: Invalid value: "": executor must be set, likely no default executor was set because you have no executors installed',
      ),
    );
    expect(status.httpCode).toBe(422);
    // Without the field at all, nothing defaults it and the CRD schema (executor is required) refuses it first.
    const missing = await refusal(createApp(app('spinapp', { replicas: 1 })));
    expect(missing.message).toBe(
      'SpinApp.core.spinkube.dev "spinapp" is invalid: spec.executor: Required value',
    );
  });

  it('SpinAppExecutor rules and our createDeployment addition are refused with their messages', async () => {
    const both = await refusal(
      createExecutor(
        executor('both', {
          createDeployment: true,
          deploymentConfig: { runtimeClassName: 'foo', spinImage: 'ghcr.io/fermyon/spin:v2.7.0' },
        }),
      ),
    );
    expect(both.message).toBe(
      executorDenied(
        'both',
        'spec.deploymentConfig.runtimeClassName: Invalid value: "foo": runtimeClassName and spinImage are mutually exclusive',
      ),
    );
    expect(both).toMatchObject({
      httpCode: 422,
      code: 422,
      reason: 'Invalid',
      details: {
        name: 'both',
        group,
        kind: 'SpinAppExecutor',
        causes: [
          {
            reason: 'FieldValueInvalid',
            field: 'spec.deploymentConfig.runtimeClassName',
            message: 'Invalid value: "foo": runtimeClassName and spinImage are mutually exclusive',
          },
        ],
      },
    });

    const neither = await refusal(
      createExecutor(executor('neither', { createDeployment: true, deploymentConfig: {} })),
    );
    expect(neither.message).toBe(
      executorDenied(
        'neither',
        'spec.deploymentConfig.runtimeClassName: Invalid value: null: either runtimeClassName or spinImage must be set',
      ),
    );

    const noConfig = await refusal(createExecutor(executor('no-config', { createDeployment: true })));
    expect(noConfig.message).toBe(
      executorDenied(
        'no-config',
        'spec.deploymentConfig: Invalid value: null: deploymentConfig must be set when createDeployment is true',
      ),
    );
  });

  it('admits valid executors; UPDATE is validated too', async () => {
    // Created out of name order: neither the first nor the last created is the first by name.
    await createExecutor(executor('zeta', { createDeployment: false }));
    await createExecutor(
      executor('alpha-2', {
        createDeployment: true,
        deploymentConfig: { spinImage: 'ghcr.io/fermyon/spin:v2.7.0' },
      }),
    );
    await createExecutor(
      executor('alpha.1', {
        createDeployment: true,
        deploymentConfig: { runtimeClassName: 'wasmtime-spin-v2' },
      }),
    );

    const status = await refusal(
      update('spinappexecutors', 'alpha.1', (spec) => ({
        ...spec,
        deploymentConfig: { runtimeClassName: 'wasmtime-spin-v2', spinImage: 'ghcr.io/fermyon/spin:v2.7.0' },
      })),
    );
    expect(status.message).toBe(
      executorDenied(
        'alpha.1',
        'spec.deploymentConfig.runtimeClassName: Invalid value: "wasmtime-spin-v2": runtimeClassName and spinImage are mutually exclusive',
      ),
    );
  });

  it('defaulting: an app without executor gets the first executor name in byte order', async () => {
    // The operator's executor reconciler adds its finalizer to every executor it sees: once all three carry
    // it, the operator's executor cache (which the defaulter reads) holds all three.
    await until('the operator has seen every executor', async () => {
      const executors = await listExecutors();
      return executors.length === 3 &&
        executors.every((e) => e.metadata.finalizers?.includes('core.spinkube.dev/finalizer'))
        ? true
        : undefined;
    });
    // '-' (0x2d) sorts before '.' (0x2e), as Go's strings.Compare orders them.
    const created = await createApp(app('defaulted', { replicas: 1 }));
    expect(created.spec.executor).toBe('alpha-2');
    const empty = await createApp(app('defaulted-empty', { executor: '', replicas: 1 }));
    expect(empty.spec.executor).toBe('alpha-2');
    expect((await read('spinapps', 'defaulted')).spec.executor).toBe('alpha-2');

    // UPDATE is defaulted as well: clearing the executor brings the default back.
    const updated = await update('spinapps', 'defaulted', (spec) => ({ ...spec, executor: '' }));
    expect(updated.spec.executor).toBe('alpha-2');
  });

  it('rule 1b: an executor that does not exist in the namespace', async () => {
    const status = await refusal(createApp(app('spinapp', { executor: 'cyclotron', replicas: 1 })));
    expect(status.message).toBe(
      spinAppDenied(
        'spinapp',
        'spec.executor: Invalid value: "cyclotron": executor does not exist in namespace',
      ),
    );
  });

  it('rule 2: replicas with autoscaling', async () => {
    const status = await refusal(
      createApp(app('spinapp', { executor: 'alpha-2', enableAutoscaling: true, replicas: 2 })),
    );
    expect(status.message).toBe(
      spinAppDenied(
        'spinapp',
        'spec.replicas: Invalid value: 2: replicas cannot be set when autoscaling is enabled',
      ),
    );
  });

  it('rule 2b: replicas must be > 0, with HTTP 422, reason Invalid and one cause', async () => {
    const status = await refusal(createApp(app('spinapp', { executor: 'alpha-2', replicas: 0 })));
    expect(status.message).toBe(
      'admission webhook "vspinapp.kb.io" denied the request: SpinApp.core.spinkube.dev "spinapp" is invalid: spec.replicas: Invalid value: 0: replicas must be > 0',
    );
    expect(status).toMatchObject({
      httpCode: 422,
      code: 422,
      reason: 'Invalid',
      details: {
        name: 'spinapp',
        group,
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
    // No replicas at all is 0 as well (the CRD has no default).
    const unset = await refusal(createApp(app('spinapp', { executor: 'alpha-2' })));
    expect(unset.message).toBe(
      spinAppDenied('spinapp', 'spec.replicas: Invalid value: 0: replicas must be > 0'),
    );
  });

  it('rules 3 and 3b: annotations with an executor that creates no Deployment (3b only when 3 passes)', async () => {
    const both = await refusal(
      createApp(
        app('spinapp', {
          executor: 'zeta',
          replicas: 1,
          deploymentAnnotations: { key: 'asdf' },
          podAnnotations: { key: 'asdf' },
        }),
      ),
    );
    expect(both.message).toBe(
      spinAppDenied(
        'spinapp',
        'spec.deploymentAnnotations: Invalid value: {"key":"asdf"}: deploymentAnnotations can\'t be set when the executor does not use operator deployments',
      ),
    );
    const pod = await refusal(
      createApp(app('spinapp', { executor: 'zeta', replicas: 1, podAnnotations: { key: 'asdf' } })),
    );
    expect(pod.message).toBe(
      spinAppDenied(
        'spinapp',
        'spec.podAnnotations: Invalid value: {"key":"asdf"}: podAnnotations can\'t be set when the executor does not use operator deployments',
      ),
    );
  });

  it('rules 4 and 4b: invocationLimits.memory must be a quantity within the memory limit, else request', async () => {
    const notQuantity = await refusal(
      createApp(app('spinapp', { executor: 'alpha-2', replicas: 1, invocationLimits: { memory: 'lots' } })),
    );
    expect(notQuantity.message).toBe(
      spinAppDenied(
        'spinapp',
        'spec.invocationLimits[memory]: Invalid value: "lots": memory limit must be a valid memory quantity (e.g. 128Mi, 1Gi)',
      ),
    );
    const aboveRequest = await refusal(
      createApp(
        app('spinapp', {
          executor: 'alpha-2',
          replicas: 1,
          resources: { requests: { memory: '40Mi' } },
          invocationLimits: { memory: '50Mi' },
        }),
      ),
    );
    expect(aboveRequest.message).toBe(
      spinAppDenied(
        'spinapp',
        'spec.invocationLimits[memory]: Invalid value: "50Mi": invocation limit quantity cannot be greater than the memory request (40Mi)',
      ),
    );
    const aboveLimit = await refusal(
      createApp(
        app('spinapp', {
          executor: 'alpha-2',
          replicas: 1,
          resources: { limits: { memory: '64Mi' }, requests: { memory: '128Mi' } },
          invocationLimits: { memory: '100Mi' },
        }),
      ),
    );
    expect(aboveLimit.message).toBe(
      spinAppDenied(
        'spinapp',
        'spec.invocationLimits[memory]: Invalid value: "100Mi": invocation limit quantity cannot be greater than the memory limit (64Mi)',
      ),
    );
  });

  it('several errors: the bracketed list, in upstream order, with one cause each', async () => {
    const status = await refusal(
      createApp(app('spinapp', { executor: 'cyclotron', replicas: 0, invocationLimits: { memory: 'lots' } })),
    );
    expect(status.message).toBe(
      spinAppDenied(
        'spinapp',
        '[spec.executor: Invalid value: "cyclotron": executor does not exist in namespace, spec.replicas: Invalid value: 0: replicas must be > 0, spec.invocationLimits[memory]: Invalid value: "lots": memory limit must be a valid memory quantity (e.g. 128Mi, 1Gi)]',
      ),
    );
    expect(status.httpCode).toBe(422);
    expect(status.reason).toBe('Invalid');
    expect(status.details?.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "cyclotron": executor does not exist in namespace',
        field: 'spec.executor',
      },
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: 0: replicas must be > 0',
        field: 'spec.replicas',
      },
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: "lots": memory limit must be a valid memory quantity (e.g. 128Mi, 1Gi)',
        field: 'spec.invocationLimits[memory]',
      },
    ]);
  });

  it('UPDATE is validated: a valid app replaced with replicas 0 is refused', async () => {
    await createApp(app('updated', { executor: 'alpha-2', replicas: 1 }));
    const status = await refusal(update('spinapps', 'updated', (spec) => ({ ...spec, replicas: 0 })));
    expect(status.message).toBe(
      spinAppDenied('updated', 'spec.replicas: Invalid value: 0: replicas must be > 0'),
    );
    expect((await read('spinapps', 'updated')).spec.replicas).toBe(1);
  });
});

describe('restart', () => {
  it('a restarted operator reuses the stored CA and serving certificate (no re-issue)', async () => {
    const before = await core.readNamespacedSecret({ name: certSecret, namespace });
    const caBundleBefore = (await admission.readValidatingWebhookConfiguration({ name: validatingName }))
      .webhooks?.[0]?.clientConfig.caBundle;
    expect(operator.logs.some((line) => line['msg'] === 'Issued webhook certificate')).toBe(true);

    expect(await operator.stop()).toBe(0);
    operator = await startOperatorProcess({
      kubeconfigPath,
      namespace,
      watchNamespace: namespace,
      webhooks: true,
    });
    await webhooksEffective();

    const after = await core.readNamespacedSecret({ name: certSecret, namespace });
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
    expect(after.data).toEqual(before.data);
    expect(operator.logs.filter((line) => line['msg'] === 'Issued webhook certificate')).toEqual([]);
    for (const configuration of [
      await admission.readMutatingWebhookConfiguration({ name: mutatingName }),
      await admission.readValidatingWebhookConfiguration({ name: validatingName }),
    ]) {
      for (const webhook of configuration.webhooks ?? []) {
        expect(webhook.clientConfig.caBundle).toBe(caBundleBefore);
        expect(webhook.clientConfig.url).toMatch(
          new RegExp(`^https://127\\.0\\.0\\.1:${String(operator.ports.webhook)}/`),
        );
      }
    }
    const status = await refusal(createApp(app('spinapp', { executor: 'alpha-2', replicas: 0 })));
    expect(status.message).toBe(
      spinAppDenied('spinapp', 'spec.replicas: Invalid value: 0: replicas must be > 0'),
    );
  }, 120_000);
});
