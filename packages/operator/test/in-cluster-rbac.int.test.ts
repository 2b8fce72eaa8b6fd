/**
 * The RBAC in deploy/ is enough for the operator: the real binary runs authenticated as the manifests'
 * ServiceAccount (a TokenRequest token, no admin), with leader election and webhooks, and does all of its
 * work — the upstream gap included (a runtimeConfig option read from a ConfigMap, which upstream's
 * manager-role cannot watch) — without one `forbidden` in its logs.
 *
 * The manifests' ServiceAccount, Roles, ClusterRoles and bindings are applied as they are, except:
 * - the namespace `spin-operator` becomes this file's namespace, and cluster-scoped names get the namespace
 *   as suffix, so parallel runs never share or delete each other's objects;
 * - the webhook-configuration ClusterRole names this run's configurations (`mutating-<ns>`,
 *   `validating-<ns>`) instead of `spin-operator-…-webhook-configuration`;
 * - test only: `create` on the two webhook configuration kinds. In the cluster the manifests create the
 *   configurations and the operator only injects its CA (get, patch); run outside the cluster as here
 *   (`--webhook-url`), the operator applies them itself, and a server-side apply that creates needs create.
 *
 * The operator watches this namespace only (`--watch-namespace`), so it never reconciles other files' apps;
 * that its role allows the cluster-wide list/watch an in-cluster operator starts is checked separately with
 * SubjectAccessReviews.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  AuthorizationV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  type KubernetesObject,
  type V1ClusterRole,
  type V1ClusterRoleBinding,
  type V1PolicyRule,
  type V1RoleBinding,
} from '@kubernetes/client-node';
import { LeaderElectionIds } from '@spinkube/api';
import { useNamespace } from '@spinkube/test-cluster/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { startOperatorProcess, type OperatorProcess } from './operator-process.js';

const { kubeConfig, namespace } = useNamespace('rbac');
const core = kubeConfig.makeApiClient(CoreV1Api);
const apps = kubeConfig.makeApiClient(AppsV1Api);
const custom = kubeConfig.makeApiClient(CustomObjectsApi);
const admission = kubeConfig.makeApiClient(AdmissionregistrationV1Api);
const objects = KubernetesObjectApi.makeApiClient(kubeConfig);

const deployDir = join(import.meta.dirname, '..', 'deploy');
const SERVICE_ACCOUNT = 'spin-operator-controller-manager';
const serviceAccountUser = `system:serviceaccount:${namespace}:${SERVICE_ACCOUNT}`;
const mutatingName = `mutating-${namespace}`;
const validatingName = `validating-${namespace}`;
const group = 'core.spinkube.dev';
const version = 'v1alpha1';
const APP = 'kv-app';

interface Manifest extends KubernetesObject {
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

const RBAC_KINDS = ['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'];

/** deploy/'s RBAC objects, rewritten for this run (see the file comment). */
function rbacForThisRun(): Manifest[] {
  const suffix = (name: string) => `${name}-${namespace}`;
  const configurationNames: Record<string, string> = {
    'spin-operator-mutating-webhook-configuration': mutatingName,
    'spin-operator-validating-webhook-configuration': validatingName,
  };
  return ['10-rbac.yaml']
    .flatMap((file) => parseAllDocuments(readDeploy(file)).map((document) => document.toJS() as Manifest))
    .filter((manifest) => RBAC_KINDS.includes(manifest.kind ?? ''))
    .map((manifest) => {
      const copy = structuredClone(manifest);
      if (copy.metadata.namespace) copy.metadata.namespace = namespace;
      if (copy.kind === 'ClusterRole' || copy.kind === 'ClusterRoleBinding')
        copy.metadata.name = suffix(copy.metadata.name);
      if (copy.kind === 'ClusterRoleBinding' || copy.kind === 'RoleBinding') {
        const binding = copy as unknown as V1ClusterRoleBinding | V1RoleBinding;
        if (binding.roleRef.kind === 'ClusterRole') binding.roleRef.name = suffix(binding.roleRef.name);
        for (const subject of binding.subjects ?? []) subject.namespace = namespace;
      }
      if (
        copy.kind === 'ClusterRole' &&
        copy.metadata.name === suffix('spin-operator-webhook-configuration-role')
      ) {
        const role = copy as unknown as V1ClusterRole;
        for (const rule of role.rules ?? []) {
          if (rule.resourceNames)
            rule.resourceNames = rule.resourceNames.map((n) => configurationNames[n] ?? n);
        }
        const testOnly: V1PolicyRule = {
          apiGroups: ['admissionregistration.k8s.io'],
          resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
          verbs: ['create'],
        };
        role.rules = [...(role.rules ?? []), testOnly];
      }
      return copy;
    });
}

function readDeploy(file: string): string {
  return readFileSync(join(deployDir, file), 'utf8');
}

const applied = rbacForThisRun();
const clusterScoped = applied.filter((m) => m.kind === 'ClusterRole' || m.kind === 'ClusterRoleBinding');
let kubeconfigDir: string | undefined;
let operator: OperatorProcess;

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
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
      const detail = last instanceof Error ? ` (last error: ${last.message})` : '';
      throw new Error(`${what}: not within ${String(timeoutMs)} ms${detail}\n${logTail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function logTail(): string {
  return operator.logs
    .slice(-10)
    .map((line) => JSON.stringify(line))
    .join('\n');
}

/** A kubeconfig for the ServiceAccount: the admin's server and CA, a bound token from the TokenRequest API. */
async function serviceAccountKubeconfig(): Promise<string> {
  const request = await core.createNamespacedServiceAccountToken({
    name: SERVICE_ACCOUNT,
    namespace,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const token = request.status?.token;
  if (!token) throw new Error('the TokenRequest returned no token');
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('the admin kubeconfig has no cluster');
  kubeconfigDir = mkdtempSync(join(tmpdir(), 'spin-operator-rbac-'));
  const path = join(kubeconfigDir, 'kubeconfig');
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'test',
          cluster: {
            server: cluster.server,
            ...(cluster.caData ? { 'certificate-authority-data': cluster.caData } : {}),
            ...(cluster.caFile ? { 'certificate-authority': cluster.caFile } : {}),
            ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
            ...(cluster.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
          },
        },
      ],
      users: [{ name: SERVICE_ACCOUNT, user: { token } }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: SERVICE_ACCOUNT, namespace } }],
      'current-context': 'test',
    }),
    { mode: 0o600 },
  );
  return path;
}

async function allowed(attributes: {
  verb: string;
  group?: string;
  resource: string;
  namespace?: string;
  name?: string;
}): Promise<boolean> {
  const review = await kubeConfig.makeApiClient(AuthorizationV1Api).createSubjectAccessReview({
    body: {
      spec: {
        user: serviceAccountUser,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
        resourceAttributes: { group: attributes.group ?? '', ...attributes },
      },
    },
  });
  return review.status?.allowed ?? false;
}

const listExecutors = async () =>
  (
    (await custom.listNamespacedCustomObject({ group, version, namespace, plural: 'spinappexecutors' })) as {
      items: unknown[];
    }
  ).items;

beforeAll(async () => {
  for (const manifest of applied) await objects.create(manifest);
  const kubeconfigPath = await serviceAccountKubeconfig();
  operator = await startOperatorProcess({
    kubeconfigPath,
    namespace,
    watchNamespace: namespace,
    leaderElect: true,
    webhooks: true,
  });
}, 120_000);

afterAll(async () => {
  // While the operator still runs (it removes the executor finalizer), then its configurations, then RBAC.
  await custom
    .deleteCollectionNamespacedCustomObject({ group, version, namespace, plural: 'spinapps' })
    .catch(() => undefined);
  await custom
    .deleteCollectionNamespacedCustomObject({ group, version, namespace, plural: 'spinappexecutors' })
    .catch(() => undefined);
  await until(
    'executors gone',
    async () => ((await listExecutors()).length === 0 ? true : undefined),
    20_000,
  ).catch(() => undefined);
  await admission.deleteMutatingWebhookConfiguration({ name: mutatingName }).catch(() => undefined);
  await admission.deleteValidatingWebhookConfiguration({ name: validatingName }).catch(() => undefined);
  for (const manifest of clusterScoped) await objects.delete(manifest).catch(() => undefined);
  if (kubeconfigDir) rmSync(kubeconfigDir, { recursive: true, force: true });
}, 60_000);

describe('spin-operator with the RBAC of deploy/', () => {
  it('the ServiceAccount is no admin, and its role allows the cluster-wide watches an in-cluster operator starts', async () => {
    expect(await allowed({ verb: 'create', resource: 'namespaces' })).toBe(false);
    expect(await allowed({ verb: 'get', resource: 'nodes' })).toBe(false);
    expect(
      await allowed({ verb: 'create', resource: 'clusterrolebindings', group: 'rbac.authorization.k8s.io' }),
    ).toBe(false);
    // CA injection may write this run's configurations only.
    for (const [resource, name] of [
      ['mutatingwebhookconfigurations', mutatingName],
      ['validatingwebhookconfigurations', validatingName],
    ] as const) {
      const webhookConfiguration = { verb: 'patch', group: 'admissionregistration.k8s.io', resource };
      expect(await allowed({ ...webhookConfiguration, name })).toBe(true);
      expect(await allowed({ ...webhookConfiguration, name: 'someone-elses' })).toBe(false);
    }
    for (const [apiGroup, resource] of [
      [group, 'spinapps'],
      [group, 'spinappexecutors'],
      ['apps', 'deployments'],
      ['', 'services'],
      ['', 'secrets'],
      ['', 'configmaps'],
      ['', 'pods'],
    ] as const) {
      for (const verb of ['list', 'watch']) {
        expect(await allowed({ verb, group: apiGroup, resource }), `${verb} ${resource}`).toBe(true);
      }
    }
  });

  it('acquires the Lease, issues its certificate and serves its webhooks, as the ServiceAccount', async () => {
    const lease = await kubeConfig
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name: LeaderElectionIds.operator, namespace });
    expect(lease.spec?.holderIdentity).toBeTruthy();
    const secret = await core.readNamespacedSecret({ name: `webhook-cert-${namespace}`, namespace });
    const caBundle = secret.data?.['ca.crt'];
    expect(caBundle).toBeTruthy();
    const validating = await admission.readValidatingWebhookConfiguration({ name: validatingName });
    expect(validating.webhooks?.map((w) => w.clientConfig.caBundle)).toEqual([caBundle, caBundle]);
    // The API server calls the webhooks once it has picked the configurations up: a refused dry run.
    await until('the webhooks refuse an invalid app', async () => {
      const refused = await custom
        .createNamespacedCustomObject({
          group,
          version,
          namespace,
          plural: 'spinapps',
          dryRun: 'All',
          body: {
            apiVersion: `${group}/${version}`,
            kind: 'SpinApp',
            metadata: { name: 'probe' },
            spec: { image: 'x', executor: 'none', replicas: 1 },
          },
        })
        .then(
          () => false,
          (error: unknown) => String(error).includes('executor does not exist in namespace'),
        );
      return refused ? true : undefined;
    });
  });

  it('reconciles an app whose runtimeConfig reads a ConfigMap: Deployment, Service, Secrets, status, and re-renders on change', async () => {
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'kv-config' }, data: { url: 'redis://kv.example:6379' } },
    });
    await custom.createNamespacedCustomObject({
      group,
      version,
      namespace,
      plural: 'spinappexecutors',
      body: {
        apiVersion: `${group}/${version}`,
        kind: 'SpinAppExecutor',
        metadata: { name: 'spintainer' },
        spec: {
          createDeployment: true,
          deploymentConfig: { spinImage: 'ghcr.io/fermyon/spin:v2.7.0', installDefaultCACerts: true },
        },
      },
    });
    // No executor given: the defaulting webhook (listing executors as the ServiceAccount) picks it.
    const created = (await custom.createNamespacedCustomObject({
      group,
      version,
      namespace,
      plural: 'spinapps',
      body: {
        apiVersion: `${group}/${version}`,
        kind: 'SpinApp',
        metadata: { name: APP },
        spec: {
          image: 'ghcr.io/spinkube/containerd-shim-spin/examples/spin-rust-hello:v0.13.0',
          replicas: 1,
          runtimeConfig: {
            keyValueStores: [
              {
                name: 'default',
                type: 'redis',
                options: [{ name: 'url', valueFrom: { configMapKeyRef: { name: 'kv-config', key: 'url' } } }],
              },
            ],
          },
        },
      },
    })) as { spec: { executor: string } };
    expect(created.spec.executor).toBe('spintainer');

    const deployment = await until('the Deployment', () =>
      apps.readNamespacedDeployment({ name: APP, namespace }),
    );
    await until('the Service', () => core.readNamespacedService({ name: APP, namespace }));
    await until('the CA Secret', () => core.readNamespacedSecret({ name: 'spin-ca', namespace }));
    const configSecret = (name: string) => core.readNamespacedSecret({ name, namespace });
    const secretName = deployment.spec?.template.spec?.volumes?.find((v) => v.name === 'spin-runtime-config')
      ?.secret?.secretName;
    expect(secretName).toMatch(new RegExp(`^${APP}-[0-9a-f]+$`));
    const toml = (secret: Awaited<ReturnType<typeof configSecret>>) =>
      Buffer.from(secret.data?.['runtime-config.toml'] ?? '', 'base64').toString();
    expect(toml(await configSecret(secretName ?? ''))).toContain("url = 'redis://kv.example:6379'");

    const status = await until('the status', async () => {
      const app = (await custom.getNamespacedCustomObjectStatus({
        group,
        version,
        namespace,
        plural: 'spinapps',
        name: APP,
      })) as {
        status?: { activeScheduler?: string; readyReplicas?: number; conditions?: { type: string }[] };
      };
      return app.status?.activeScheduler ? app.status : undefined;
    });
    expect(status).toMatchObject({
      activeScheduler: 'spintainer',
      readyReplicas: expect.any(Number) as number,
    });
    expect(status.conditions?.map((c) => c.type)).toEqual(
      expect.arrayContaining(['Available', 'Progressing']),
    );

    // The ConfigMap is watched (upstream's role could not): a change renders a new runtime-config Secret.
    await core.replaceNamespacedConfigMap({
      name: 'kv-config',
      namespace,
      body: { metadata: { name: 'kv-config' }, data: { url: 'redis://kv2.example:6379' } },
    });
    const renamed = await until('a new runtime-config Secret in the Deployment', async () => {
      const current = await apps.readNamespacedDeployment({ name: APP, namespace });
      const name = current.spec?.template.spec?.volumes?.find((v) => v.name === 'spin-runtime-config')?.secret
        ?.secretName;
      return name && name !== secretName ? name : undefined;
    });
    expect(toml(await configSecret(renamed))).toContain("url = 'redis://kv2.example:6379'");
  });

  it('records Events: deleting an executor in use is blocked (DeletionBlocked), then completes', async () => {
    await custom.deleteNamespacedCustomObject({
      group,
      version,
      namespace,
      plural: 'spinappexecutors',
      name: 'spintainer',
    });
    const event = await until('a DeletionBlocked Event', async () =>
      (await core.listNamespacedEvent({ namespace })).items.find(
        (e) => e.reason === 'DeletionBlocked' && e.involvedObject.name === 'spintainer',
      ),
    );
    expect(event).toMatchObject({
      type: 'Warning',
      message: 'Cannot delete SpinAppExecutor with dependent SpinApps',
      involvedObject: { kind: 'SpinAppExecutor', namespace },
    });
    await custom.deleteNamespacedCustomObject({ group, version, namespace, plural: 'spinapps', name: APP });
    await until('the executor gone (finalizer removed)', async () =>
      (await listExecutors()).length === 0 ? true : undefined,
    );
  });

  it('never met a forbidden request', () => {
    expect(operator.exited).toBe(false);
    const forbidden = operator.logs.filter((line) => /forbidden/i.test(JSON.stringify(line)));
    expect(forbidden).toEqual([]);
  });
});
