/**
 * One reconcile of a SpinApp, in upstream's order (reference §2.2–2.3): find the executor (a
 * `MissingExecutor` event and a retry when it is absent), write the status, then — unless the app is being
 * deleted — render and create the runtime-config and CA Secrets, server-side apply the Deployment (or
 * delete it for executors that do not create one) and always apply the Service. Level-triggered and
 * idempotent: it reads the current state (from the informers' caches), never remembers the previous run.
 * Addition over upstream: once the Deployment has rolled out with a new runtime-config Secret, the app's
 * superseded runtime-config Secrets are deleted (upstream keeps every one until the app goes, #151), and
 * `status.observedGeneration` moves to a generation only once its Deployment and Service have been applied.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  ApiException,
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
  type V1ConfigMap,
  type V1Deployment,
  type V1Pod,
  type V1Secret,
  type V1Service,
} from '@kubernetes/client-node';
import {
  FieldManagers,
  Kinds,
  PlatformNames,
  ResourceClient,
  SpinAppResource,
  Workload,
  type SpinApp,
  type SpinAppExecutor,
  type SpinAppStatus,
} from '@spinkube/api';
import { renderCaSecret } from '../render/ca-secret.js';
import { resolveRuntimeConfig } from '../render/resolve-runtime-config.js';
import { renderRuntimeConfig } from '../render/runtime-config.js';
import { renderRuntimeConfigSecret } from '../render/runtime-config-secret.js';
import {
  renderDeployment,
  renderService,
  type ExecutorWithSpec,
  type SpinAppWithSpec,
} from '../render/workload.js';
import { AppliedChildren } from './applied-children.js';
import { computeStatus } from './status.js';

/** Reads from the informers' caches. */
export interface ClusterView {
  spinApp(namespace: string, name: string): SpinApp | undefined;
  executor(namespace: string, name: string): SpinAppExecutor | undefined;
  deployment(namespace: string, name: string): V1Deployment | undefined;
  service(namespace: string, name: string): V1Service | undefined;
  secret(namespace: string, name: string): V1Secret | undefined;
  configMap(namespace: string, name: string): V1ConfigMap | undefined;
  /** Secrets labelled `core.spinkube.dev/app-name=<app>`. */
  appSecrets(namespace: string, app: string): readonly V1Secret[];
  /** Pods labelled `core.spinkube.dev/app-name=<app>`. */
  pods(namespace: string, app: string): readonly V1Pod[];
}

export interface EventSink {
  event(object: KubernetesObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface SpinAppReconcilerOptions {
  readonly kubeConfig: KubeConfig;
  readonly view: ClusterView;
  readonly events: EventSink;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
  readonly now?: () => Date;
}

export class ReconcileError extends Error {
  override readonly name = 'ReconcileError';
}

export class SpinAppReconciler {
  private readonly objects: KubernetesObjectApi;
  private readonly core: CoreV1Api;
  private readonly apps: ResourceClient<SpinApp>;
  private readonly appliedChildren = new AppliedChildren();

  constructor(private readonly options: SpinAppReconcilerOptions) {
    this.objects = KubernetesObjectApi.makeApiClient(options.kubeConfig);
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.apps = new ResourceClient<SpinApp>(options.kubeConfig, SpinAppResource);
  }

  async reconcile(namespace: string, name: string): Promise<void> {
    const found = this.options.view.spinApp(namespace, name);
    if (!found) this.appliedChildren.forgetApp(namespace, name);
    if (!found?.spec) return;
    const app = found as SpinAppWithSpec;
    const executorName = app.spec.executor;
    const foundExecutor = this.options.view.executor(namespace, executorName);
    if (!foundExecutor?.spec) {
      const message = `Could not find SpinAppExecutor ${namespace}/${executorName}`;
      this.options.events.event(app, 'Warning', 'MissingExecutor', message);
      throw new ReconcileError(message);
    }
    const executor = foundExecutor as ExecutorWithSpec;

    const createDeployment = executor.spec.createDeployment;
    if (app.metadata?.deletionTimestamp) {
      if (createDeployment) await this.updateStatus(app, executorName, app.status?.observedGeneration);
      return;
    }
    // One status write per reconcile, after the children: upstream writes it first, which delays the
    // Deployment by a round trip and gives the same status (the caches do not have the new children yet
    // either way). observedGeneration (not upstream) moves only once a generation has been applied without
    // error, so a client waiting for its edit never takes a generation that failed to render for a
    // reconciled one.
    let applied = false;
    try {
      if (createDeployment) await this.reconcileDeployment(app, executor);
      else await this.deleteDeployment(namespace, name);
      await this.apply(renderService(app), this.options.view.service(namespace, name));
      applied = true;
    } finally {
      if (createDeployment) {
        const generation = applied ? app.metadata?.generation : app.status?.observedGeneration;
        await this.updateStatus(app, executorName, generation);
      }
    }
  }

  /**
   * Writes the status computed from the caches over what the SpinApp holds, unless unchanged.
   */
  private async updateStatus(
    app: SpinAppWithSpec,
    executorName: string,
    generation: number | undefined,
  ): Promise<void> {
    const previous = app.status;
    const namespace = app.metadata?.namespace ?? '';
    const name = app.metadata?.name ?? '';
    const status = computeStatus({
      executorName,
      previous,
      deployment: this.options.view.deployment(namespace, name),
      service: this.options.view.service(namespace, name),
      pods: this.options.view.pods(namespace, name),
      appName: name,
      ...(generation === undefined ? {} : { generation }),
      now: this.options.now?.() ?? new Date(),
    });
    if (sameStatus(previous, status)) return;
    try {
      await this.apps.patchStatus(name, namespace, status);
    } catch (error) {
      // As upstream: a failed status write is logged, and does not fail the reconcile.
      this.options.log?.('failed to update SpinApp status', { namespace, name, error: describe(error) });
    }
  }

  private async reconcileDeployment(app: SpinAppWithSpec, executor: ExecutorWithSpec): Promise<void> {
    const namespace = app.metadata?.namespace ?? '';
    const resolved = await resolveRuntimeConfig(app.spec.runtimeConfig, (kind, objectName) =>
      this.readData(kind, namespace, objectName),
    );
    let runtimeConfigSecret = app.spec.runtimeConfig?.loadFromSecret;
    if (resolved) {
      const secret = renderRuntimeConfigSecret(app, renderRuntimeConfig(resolved));
      runtimeConfigSecret = secret.metadata?.name ?? '';
      if (!this.options.view.secret(namespace, runtimeConfigSecret))
        await this.createIfMissing(() => this.core.createNamespacedSecret({ namespace, body: secret }));
    }

    const config = executor.spec.deploymentConfig;
    let caSecret = config?.caCertSecret ?? '';
    if (config?.installDefaultCACerts) {
      caSecret ||= PlatformNames.defaultCaSecret;
      await this.ensureCaSecret(caSecret, namespace);
    }

    const deployment = renderDeployment({
      app,
      executor,
      ...(runtimeConfigSecret ? { runtimeConfigSecret } : {}),
      ...(caSecret ? { caSecret } : {}),
    });
    await this.apply(deployment, this.options.view.deployment(namespace, app.metadata?.name ?? ''));
    if (resolved && runtimeConfigSecret) await this.deleteSupersededSecrets(app, runtimeConfigSecret);
  }

  /**
   * Deletes the app's earlier generated runtime-config Secrets, but only once its Deployment has rolled out
   * with `current` mounted: until then pods of the old ReplicaSet may still need the old one to start.
   */
  private async deleteSupersededSecrets(app: SpinAppWithSpec, current: string): Promise<void> {
    const namespace = app.metadata?.namespace ?? '';
    const name = app.metadata?.name ?? '';
    const deployment = this.options.view.deployment(namespace, name);
    if (!deployment || !rolledOut(deployment) || mountedRuntimeConfig(deployment) !== current) return;
    const generated = new RegExp(`^${escapeRegExp(name)}-[0-9a-f]{1,8}$`);
    for (const secret of this.options.view.appSecrets(namespace, name)) {
      const secretName = secret.metadata?.name ?? '';
      const ownedByApp = secret.metadata?.ownerReferences?.some(
        (ref) => ref.kind === Kinds.SpinApp && ref.uid === app.metadata?.uid,
      );
      if (secretName === current || !ownedByApp || !generated.test(secretName)) continue;
      try {
        await this.core.deleteNamespacedSecret({ name: secretName, namespace });
        this.options.log?.('deleted superseded runtime-config Secret', { namespace, name: secretName });
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
    }
  }

  private async ensureCaSecret(name: string, namespace: string): Promise<void> {
    if (this.options.view.secret(namespace, name)) return;
    try {
      await this.createIfMissing(() =>
        this.core.createNamespacedSecret({ namespace, body: renderCaSecret(name, namespace) }),
      );
    } catch (error) {
      throw new ReconcileError(`unable to create default ca-certificate secret: ${describe(error)}`);
    }
  }

  private async deleteDeployment(namespace: string, name: string): Promise<void> {
    this.appliedChildren.forget(`Deployment/${namespace}/${name}`);
    if (!this.options.view.deployment(namespace, name)) return;
    try {
      await this.objects.delete({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace } });
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }
  }

  /**
   * Server-side apply as `spin-operator`, forcing ownership of the fields it sets, as upstream — skipped
   * when this process applied the same object and the cached one has not changed since (see
   * AppliedChildren), which spares the API server a no-op apply on every pod or status event.
   */
  private async apply(object: KubernetesObject, cached: KubernetesObject | undefined): Promise<void> {
    const desired = this.appliedChildren.fingerprint(object);
    if (this.appliedChildren.unchanged(object, desired, cached)) return;
    const result = await this.objects.patch(
      object,
      undefined,
      undefined,
      FieldManagers.operator,
      true,
      PatchStrategy.ServerSideApply,
    );
    this.appliedChildren.remember(object, desired, result);
  }

  private async createIfMissing(create: () => Promise<unknown>): Promise<void> {
    try {
      await create();
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
    }
  }

  /** A referenced object's data from the cache; missing, it fails with the API server's NotFound text. */
  private readData(
    kind: 'ConfigMap' | 'Secret',
    namespace: string,
    name: string,
  ): Promise<Record<string, string>> {
    if (kind === 'ConfigMap') {
      const configMap = this.options.view.configMap(namespace, name);
      if (!configMap) return Promise.reject(new Error(`configmaps "${name}" not found`));
      return Promise.resolve({ ...configMap.data });
    }
    const secret = this.options.view.secret(namespace, name);
    if (!secret) return Promise.reject(new Error(`secrets "${name}" not found`));
    return Promise.resolve(
      Object.fromEntries(
        Object.entries(secret.data ?? {}).map(([key, value]) => [
          key,
          Buffer.from(value, 'base64').toString('utf8'),
        ]),
      ),
    );
  }
}

/** The Deployment's latest template runs on every pod, and no pod of an older one is left. */
function rolledOut(deployment: V1Deployment): boolean {
  const status = deployment.status ?? {};
  const generation = deployment.metadata?.generation ?? 0;
  return (
    (status.observedGeneration ?? 0) >= generation &&
    (status.updatedReplicas ?? 0) >= (deployment.spec?.replicas ?? 1) &&
    (status.replicas ?? 0) === (status.updatedReplicas ?? 0)
  );
}

function mountedRuntimeConfig(deployment: V1Deployment): string | undefined {
  return deployment.spec?.template.spec?.volumes?.find((v) => v.name === Workload.runtimeConfigVolume)?.secret
    ?.secretName;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function sameStatus(current: SpinAppStatus | undefined, next: SpinAppStatus): boolean {
  return isDeepStrictEqual(current ?? {}, next);
}

function isStatus(error: unknown, code: number): boolean {
  return error instanceof ApiException && error.code === code;
}

/** The API server's message (`secrets "x" not found`) rather than client-node's wrapper text. */
export function describe(error: unknown): string {
  if (error instanceof ApiException) {
    const body: unknown = typeof error.body === 'string' ? safeJson(error.body) : error.body;
    const message = (body as { message?: unknown } | undefined)?.message;
    if (typeof message === 'string') return message;
  }
  return error instanceof Error ? error.message : String(error);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
