/**
 * Reconciles one Shim: finalizer, RuntimeClass, the rollout's writes (node labels and Jobs, planned by
 * planRollout from the caches), Events for each node's transitions, and the status through the status
 * subresource. Everything it decides from lives in the cluster (labels, annotations, Jobs), so a manager
 * killed at any point picks up where it was. Deletion uninstalls from every labelled node and releases
 * the finalizer only once none is left; the finalizer is never added back to a Shim being deleted
 * (upstream's deferred ensureFinalizer did).
 */
import {
  BatchV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
  type V1Job,
  type V1Node,
  type V1RuntimeClass,
} from '@kubernetes/client-node';
import {
  apiVersionOf,
  FieldManagers,
  Finalizers,
  ResourceClient,
  ShimResource,
  type Shim,
  type ShimStatus,
} from '@spinkube/api';
import { statusCode, type EventRecorder, type Informer, type ReconcileOutcome } from '@spinkube/controller';
import { nodeJobName, renderNodeJob, type JobSettings } from '../shim/node-job.js';
import { jobFacts, type JobFacts } from './job-facts.js';
import { JobFailureReasons } from './job-failure-reason.js';
import { nodeFacts } from './node-facts.js';
import { planRollout, type Plan, type PlannedWrite } from './rollout-plan.js';
import { ownedBy, renderRuntimeClass, runtimeClassUpToDate } from './runtime-class.js';
import { nodeRevisionAnnotation } from './shim-revision.js';
import { ShimConditions, shimStatus } from './shim-status.js';
import { hasSpec, specProblems, type SpecifiedShim } from './spec-problems.js';
import { WriteExpectations } from './write-expectations.js';

/** How soon a pass that found the caches behind its own writes looks again. */
const CACHE_WAIT_MS = 200;

export interface ShimCaches {
  readonly shims: Informer<Shim>;
  readonly nodes: Informer<V1Node>;
  /** The manager's Jobs (label `spinkube.dev/job=true`) in its namespace. */
  readonly jobs: Informer<V1Job>;
  readonly runtimeClasses: Informer<V1RuntimeClass>;
}

export interface ShimReconcilerOptions {
  readonly kubeConfig: KubeConfig;
  readonly caches: ShimCaches;
  readonly settings: JobSettings;
  readonly events: EventRecorder;
  readonly now?: () => Date;
}

export class ShimReconciler {
  private readonly objects: KubernetesObjectApi;
  private readonly batch: BatchV1Api;
  private readonly shims: ResourceClient<Shim>;
  private readonly failures: JobFailureReasons;
  private readonly expectations = new WriteExpectations();
  private readonly now: () => Date;

  constructor(private readonly options: ShimReconcilerOptions) {
    this.objects = KubernetesObjectApi.makeApiClient(options.kubeConfig);
    this.batch = options.kubeConfig.makeApiClient(BatchV1Api);
    this.shims = new ResourceClient<Shim>(options.kubeConfig, ShimResource);
    this.failures = new JobFailureReasons(
      options.kubeConfig.makeApiClient(CoreV1Api),
      options.settings.namespace,
    );
    this.now = options.now ?? (() => new Date());
  }

  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- nothing to requeue for most passes
  async reconcile(name: string): Promise<ReconcileOutcome | void> {
    const { caches } = this.options;
    if (!this.cachesShowOwnWrites(name)) return { requeueAfterMs: CACHE_WAIT_MS };
    const jobs = await this.jobsOf(name);
    const cached = caches.shims.get(name);
    if (!cached || !hasSpec(cached)) {
      // Gone (or, against the CRD's schema, without a spec: nothing can be rolled out).
      await this.orphanedUninstalls(name, jobs);
      return;
    }
    const shim = cached;
    const deleting = shim.metadata?.deletionTimestamp !== undefined;
    const problems = deleting ? [] : specProblems(shim);
    if (!deleting && !(shim.metadata?.finalizers ?? []).includes(Finalizers.shim)) {
      // Added before anything is put on a node, so that no deletion can skip the uninstall.
      await this.setFinalizers(shim, [...(shim.metadata?.finalizers ?? []), Finalizers.shim]);
      return; // The update brings the Shim back with it.
    }
    if (!deleting && problems.length === 0) await this.ensureRuntimeClass(shim);

    const now = this.now();
    const plan = planRollout({
      shimName: name,
      spec: shim.spec,
      deleting,
      nodes: caches.nodes.list().map(nodeFacts),
      jobs,
      now: now.getTime(),
    });
    if (problems.length === 0 && !(await this.execute(shim, plan.writes)))
      return { requeueAfterMs: CACHE_WAIT_MS };
    await this.writeStatus(shim, plan, problems, deleting, now);
    const finalizers = shim.metadata?.finalizers ?? [];
    if (deleting && plan.report.labelled === 0 && finalizers.includes(Finalizers.shim))
      await this.setFinalizers(
        shim,
        finalizers.filter((f) => f !== Finalizers.shim),
      );
    return plan.requeueAfterMs === undefined ? undefined : { requeueAfterMs: plan.requeueAfterMs };
  }

  private cachesShowOwnWrites(shimName: string): boolean {
    const { caches, settings } = this.options;
    const jobUids = new Set(caches.jobs.list(settings.namespace).map((job) => job.metadata?.uid));
    return this.expectations.satisfied(shimName, {
      hasJob: (uid) => jobUids.has(uid),
      nodeLabel: (node, key) => {
        const cached = caches.nodes.get(node);
        return cached ? cached.metadata?.labels?.[key] : null;
      },
    });
  }

  /** The Shim's Jobs by name, failed ones with their pod's account of why. */
  private async jobsOf(shimName: string): Promise<Map<string, JobFacts>> {
    const jobs = new Map<string, JobFacts>();
    for (const job of this.options.caches.jobs.list(this.options.settings.namespace)) {
      const facts = jobFacts(job);
      if (!facts || facts.shim !== shimName) continue;
      jobs.set(facts.name, await this.failures.explain(facts));
    }
    return jobs;
  }

  /**
   * Upstream's JobReconciler for a Shim that is gone (its finalizer removed by hand, or by upstream's
   * manager before this one took over): a completed uninstall Job still clears its node's label.
   */
  private async orphanedUninstalls(shimName: string, jobs: ReadonlyMap<string, JobFacts>): Promise<void> {
    for (const job of jobs.values()) {
      if (job.operation !== 'uninstall' || job.phase !== 'complete') continue;
      await this.patchNode(job.node, shimName, null, null);
      await this.deleteJob(shimName, job.name, job.uid);
    }
  }

  /**
   * Applies the plan's writes in order. Returns false, having stopped, when a Job to create already exists
   * and was not deleted by this pass: the plan came from a cache behind the API server (a Job made by an
   * earlier pass the cache has not shown yet), and applying would overwrite that Job's attempt count.
   */
  private async execute(shim: SpecifiedShim, writes: readonly PlannedWrite[]): Promise<boolean> {
    const shimName = shim.metadata?.name ?? '';
    const deleted = new Set<string>();
    for (const write of writes) {
      switch (write.kind) {
        case 'label':
          await this.patchNode(write.node, shimName, write.value, write.revision);
          break;
        case 'deleteJob':
          await this.deleteJob(shimName, write.job, write.uid);
          deleted.add(write.uid);
          break;
        case 'createJob': {
          const existing = await this.liveJobUid(nodeJobName(write.node, shimName, write.operation));
          if (existing !== undefined && !deleted.has(existing)) return false;
          const node = this.options.caches.nodes.get(write.node);
          const created = await this.apply(
            renderNodeJob({
              operation: write.operation,
              node: { name: write.node, taints: node ? nodeFacts(node).taints : [] },
              shim: {
                name: shimName,
                uid: shim.metadata?.uid ?? '',
                ...(shim.spec.containerdRuntimeOptions
                  ? { containerdRuntimeOptions: shim.spec.containerdRuntimeOptions }
                  : {}),
              },
              ...(write.artifact ? { artifact: write.artifact } : {}),
              ...(write.revision ? { revision: write.revision } : {}),
              attempt: write.attempt,
              settings: this.options.settings,
            }),
          );
          this.expectations.jobCreated(shimName, created.metadata?.uid);
          break;
        }
      }
      if ('event' in write && write.event)
        this.options.events.event(shim, write.event.type, write.event.reason, write.event.message);
    }
    return true;
  }

  /** The uid of the Job of that name as the API server has it now, if there is one. */
  private async liveJobUid(name: string): Promise<string | undefined> {
    try {
      const job = await this.batch.readNamespacedJob({ name, namespace: this.options.settings.namespace });
      return job.metadata?.uid ?? '';
    } catch (error) {
      if (statusCode(error) === 404) return undefined;
      throw error;
    }
  }

  private async ensureRuntimeClass(shim: SpecifiedShim): Promise<void> {
    const uid = shim.metadata?.uid ?? '';
    const desired = renderRuntimeClass(shim);
    const name = desired.metadata?.name ?? '';
    const existing = this.options.caches.runtimeClasses.get(name);
    for (const stale of this.options.caches.runtimeClasses.list()) {
      // A RuntimeClass this Shim made under a name it no longer asks for.
      if (stale.metadata?.name !== name && ownedBy(stale, uid))
        await this.deleteRuntimeClass(stale.metadata?.name ?? '');
    }
    if (existing && !ownedBy(existing, uid)) {
      // Someone else's (a user's, or the test cluster's): used as it is, as upstream does.
      return;
    }
    if (existing && runtimeClassUpToDate(existing, desired)) return;
    if (existing && existing.handler !== desired.handler) await this.deleteRuntimeClass(name); // immutable
    await this.apply(desired);
    this.options.events.event(
      shim,
      'Normal',
      existing ? 'RuntimeClassUpdated' : 'RuntimeClassCreated',
      `RuntimeClass ${name} with handler ${desired.handler}`,
    );
  }

  private async writeStatus(
    shim: SpecifiedShim,
    plan: Plan,
    problems: readonly string[],
    deleting: boolean,
    now: Date,
  ): Promise<void> {
    const previous = shim.status;
    const status = shimStatus({
      previous,
      generation: shim.metadata?.generation,
      report: plan.report,
      problems,
      deleting,
      rolling: shim.spec.rolloutStrategy.type === 'rolling',
      now,
    });
    if (sameStatus(previous, status)) return;
    this.announce(shim, previous, status);
    try {
      await this.shims.patchStatus(shim.metadata?.name ?? '', undefined, status);
    } catch (error) {
      if (statusCode(error) !== 404) throw error; // Gone meanwhile: nothing to report on.
    }
  }

  /** Warning Events for conditions that turn bad, once per new message (node failures have their own). */
  private announce(shim: Shim, previous: ShimStatus | undefined, next: ShimStatus): void {
    const before = (type: string) => previous?.conditions?.find((c) => c.type === type);
    const degraded = next.conditions?.find((c) => c.type === ShimConditions.degraded);
    if (
      degraded?.status === 'True' &&
      degraded.reason !== 'NodesFailed' &&
      before(ShimConditions.degraded)?.message !== degraded.message
    )
      this.options.events.event(shim, 'Warning', degraded.reason, degraded.message);
    const progressing = next.conditions?.find((c) => c.type === ShimConditions.progressing);
    if (
      progressing?.reason === 'RolloutStopped' &&
      before(ShimConditions.progressing)?.reason !== 'RolloutStopped'
    )
      this.options.events.event(shim, 'Warning', 'RolloutStopped', progressing.message);
  }

  /** Sets (or with null removes) the `<shim>` label and, when given, the revision annotation. */
  private async patchNode(
    node: string,
    shimName: string,
    value: string | null,
    revision: string | null | undefined,
  ): Promise<void> {
    const metadata = {
      name: node,
      labels: { [shimName]: value },
      ...(revision === undefined ? {} : { annotations: { [nodeRevisionAnnotation(shimName)]: revision } }),
    };
    try {
      await this.objects.patch(
        { apiVersion: 'v1', kind: 'Node', metadata } as unknown as V1Node,
        undefined,
        undefined,
        FieldManagers.runtimeClassManager,
        undefined,
        PatchStrategy.MergePatch,
      );
      this.expectations.labelSet(shimName, node, value ?? undefined);
    } catch (error) {
      if (statusCode(error) !== 404) throw error; // The node left the cluster: nothing to label.
    }
  }

  private async deleteJob(shimName: string, name: string, uid: string): Promise<void> {
    try {
      await this.objects.delete(
        {
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: { name, namespace: this.options.settings.namespace },
        },
        undefined,
        undefined,
        undefined,
        undefined,
        'Background',
        // The body's policy is the one the API server reads; without it a Job orphans its pods.
        { propagationPolicy: 'Background', preconditions: { uid } },
      );
    } catch (error) {
      // Gone already, or the name holds a newer Job (uid precondition): either way this one is gone.
      if (statusCode(error) !== 404 && statusCode(error) !== 409) throw error;
    }
    this.expectations.jobDeleted(shimName, uid);
  }

  private async deleteRuntimeClass(name: string): Promise<void> {
    try {
      await this.objects.delete({ apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', metadata: { name } });
    } catch (error) {
      if (statusCode(error) !== 404) throw error;
    }
  }

  /** Server-side apply as `shim-operator`, forcing, as upstream does. */
  private async apply(object: KubernetesObject): Promise<KubernetesObject> {
    return this.objects.patch(
      object,
      undefined,
      undefined,
      FieldManagers.runtimeClassManager,
      true,
      PatchStrategy.ServerSideApply,
    );
  }

  /** Replaces the finalizer list, failing on a stale resourceVersion rather than dropping another's edit. */
  private async setFinalizers(shim: Shim, finalizers: string[]): Promise<void> {
    try {
      await this.objects.patch(
        {
          apiVersion: apiVersionOf(ShimResource),
          kind: ShimResource.kind,
          metadata: {
            name: shim.metadata?.name ?? '',
            resourceVersion: shim.metadata?.resourceVersion ?? '',
            finalizers,
          },
        },
        undefined,
        undefined,
        FieldManagers.runtimeClassManager,
        undefined,
        PatchStrategy.MergePatch,
      );
    } catch (error) {
      if (statusCode(error) !== 404) throw error;
    }
  }
}

/** Equal in every field the manager writes, whatever order the API server returned them in. */
function sameStatus(previous: ShimStatus | undefined, next: ShimStatus): boolean {
  const canonical = (status: ShimStatus | undefined) =>
    JSON.stringify([
      status?.nodes,
      status?.nodesReady,
      (status?.conditions ?? []).map((c) => [
        c.type,
        c.status,
        c.reason,
        c.message,
        c.observedGeneration,
        c.lastTransitionTime,
      ]),
    ]);
  return canonical(previous) === canonical(next);
}
