/**
 * The status upstream writes on a SpinApp (reference §1.3): the active executor, ready replicas, the names
 * of the Deployment and Service, and `Available`/`Progressing` conditions copied from the Deployment —
 * `Unknown`/`DeploymentNotFound` while it does not exist. Conditions follow apimachinery's
 * `SetStatusCondition` (`setStatusCondition` in @spinkube/api).
 *
 * Additive, beyond upstream (docs/compatibility.md): `observedGeneration`, `replicas` and `selector` (the
 * last two feed the scale subresource), and a `PodsReady` condition that says why the app's pods are not
 * ready, read from the pods the kubelet reports on and from the Deployment's `ReplicaFailure`. Its messages
 * leave out what changes on every retry (back-off delays, pod UIDs), and ties are broken by count and
 * then by name, so the same cluster state always gives the same status and status patches do not flap.
 */
import type {
  V1ContainerStatus,
  V1Deployment,
  V1DeploymentCondition,
  V1Pod,
  V1Service,
} from '@kubernetes/client-node';
import { Labels, setStatusCondition, type Condition, type SpinAppStatus } from '@spinkube/api';

const COPIED_TYPES = ['Available', 'Progressing'] as const;

/** Condition type of the pods' readiness (not upstream). */
export const PODS_READY = 'PodsReady';

/** Reasons of the `PodsReady` condition besides the kubelet's own (`CrashLoopBackOff`, `Unschedulable`, …). */
export const PodsReadyReasons = {
  allPodsReady: 'AllPodsReady',
  podsNotReady: 'PodsNotReady',
  deploymentNotFound: 'DeploymentNotFound',
  failedCreate: 'FailedCreate',
} as const;

/** Waiting reasons of a container that is on its way up rather than failing. */
const STARTING_REASONS = new Set(['ContainerCreating', 'PodInitializing']);

/** Waiting reasons whose kubelet message changes on every retry (`back-off 40s restarting failed …`). */
const VOLATILE_MESSAGE_REASONS = new Set(['CrashLoopBackOff']);

/** `metav1.Condition.reason` as the CRD validates it. */
const REASON_PATTERN = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;

/** Longest kubelet, scheduler or API server message copied into a condition. */
const MAX_DETAIL_LENGTH = 512;

export interface StatusInputs {
  readonly executorName: string;
  readonly previous: SpinAppStatus | undefined;
  readonly deployment: V1Deployment | undefined;
  readonly service: V1Service | undefined;
  readonly now: Date;
  /** The SpinApp's `metadata.generation`; becomes `status.observedGeneration`. Unset: left as it was. */
  readonly generation?: number | undefined;
  /**
   * The app's pods (label `core.spinkube.dev/app-name=<app>`). Unset: `PodsReady` is computed from the
   * Deployment's counts and `ReplicaFailure` alone, without the pods' reasons.
   */
  readonly pods?: readonly V1Pod[] | undefined;
  /** The SpinApp's name, for `status.selector`. Unset: the Deployment's name (always the app's name). */
  readonly appName?: string | undefined;
}

export function computeStatus({
  executorName,
  previous,
  deployment,
  service,
  now,
  generation,
  pods,
  appName,
}: StatusInputs): SpinAppStatus {
  let conditions: Condition[] = [...(previous?.conditions ?? [])];
  if (!deployment) {
    for (const type of COPIED_TYPES) {
      conditions = setStatusCondition(
        conditions,
        { type, status: 'Unknown', reason: 'DeploymentNotFound', message: 'Deployment not found' },
        now,
      );
    }
  } else {
    for (const type of COPIED_TYPES) {
      const source = deployment.status?.conditions?.find((c) => c.type === type);
      if (!source) continue;
      conditions = setStatusCondition(
        conditions,
        {
          type,
          status: source.status as Condition['status'],
          reason: source.reason ?? '',
          message: source.message ?? '',
        },
        now,
      );
    }
  }
  conditions = setStatusCondition(
    conditions,
    {
      type: PODS_READY,
      ...podsReady(deployment, pods),
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
    },
    now,
  );
  const name = appName ?? deployment?.metadata?.name;
  return {
    ...(previous ?? {}),
    activeScheduler: executorName,
    readyReplicas: deployment?.status?.readyReplicas ?? 0,
    replicas: deployment?.status?.replicas ?? 0,
    ...(name ? { selector: `${Labels.appName}=${name}` } : {}),
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    conditions,
    ...(deployment?.metadata?.name ? { deploymentName: deployment.metadata.name } : {}),
    ...(service?.metadata?.name ? { serviceName: service.metadata.name } : {}),
  };
}

type PodsReadyState = Pick<Condition, 'status' | 'reason' | 'message'>;

/** Why one pod is not ready, when the pod says so. */
interface PodProblem {
  readonly reason: string;
  readonly detail: string;
}

/**
 * `PodsReady`, most informative cause first: a failing container (waiting with an error reason, or
 * terminated with a non-zero exit), the ReplicaSet failing to create pods (`FailedCreate`: a missing
 * RuntimeClass, a quota, an admission webhook), pods the scheduler cannot place, and else the counts.
 */
function podsReady(deployment: V1Deployment | undefined, pods: readonly V1Pod[] | undefined): PodsReadyState {
  if (!deployment) {
    return {
      status: 'Unknown',
      reason: PodsReadyReasons.deploymentNotFound,
      message: 'Deployment not found',
    };
  }
  const desired = deployment.spec?.replicas ?? 1;
  const live = pods === undefined ? undefined : pods.filter(isLive).sort(byName);
  const count = live?.length ?? deployment.status?.replicas ?? 0;
  const ready = live ? live.filter(isPodReady).length : (deployment.status?.readyReplicas ?? 0);
  const total = Math.max(count, desired);

  if (ready === count && ready >= desired) {
    return {
      status: 'True',
      reason: PodsReadyReasons.allPodsReady,
      message: `${ready} of ${total} pods ready`,
    };
  }
  const notReady = (reason: string, message: string): PodsReadyState => ({
    status: 'False',
    // The CRD allows only CamelCase-like reasons; a component reporting anything else must not make the
    // status patch fail.
    reason: REASON_PATTERN.test(reason) ? reason : PodsReadyReasons.podsNotReady,
    message,
  });

  const unready = (live ?? []).filter((pod) => !isPodReady(pod));
  const containerProblem = mostCommon(unready.map(containerProblemOf), total);
  if (containerProblem) return notReady(containerProblem.reason, containerProblem.message);

  const failure = replicaFailure(deployment);
  if (failure) return notReady(failure.reason || PodsReadyReasons.failedCreate, clip(failure.message ?? ''));

  const schedulingProblem = mostCommon(unready.map(schedulingProblemOf), total);
  if (schedulingProblem) return notReady(schedulingProblem.reason, schedulingProblem.message);

  return notReady(PodsReadyReasons.podsNotReady, `${ready} of ${total} pods ready`);
}

/**
 * The reason most pods share, with the detail of the first of them by name:
 * `2 of 3 pods: container "app" is waiting: CrashLoopBackOff (last exit 137: Error)`.
 */
function mostCommon(
  problems: readonly (PodProblem | undefined)[],
  total: number,
): { reason: string; message: string } | undefined {
  // Problems come in pod-name order, so the first kept per reason is the first pod by name.
  const byReason = new Map<string, { count: number; detail: string }>();
  for (const problem of problems) {
    if (!problem) continue;
    const seen = byReason.get(problem.reason);
    byReason.set(problem.reason, { count: (seen?.count ?? 0) + 1, detail: seen?.detail ?? problem.detail });
  }
  const [chosen] = [...byReason.entries()].sort(
    ([a, x], [b, y]) => y.count - x.count || (a < b ? -1 : a > b ? 1 : 0),
  );
  if (!chosen) return undefined;
  const [reason, { count, detail }] = chosen;
  return { reason, message: `${count} of ${total} pods: ${detail}` };
}

/** The first failing container of a pod, init containers first (they run first). */
function containerProblemOf(pod: V1Pod): PodProblem | undefined {
  const init = (pod.status?.initContainerStatuses ?? []).map((s) => containerProblem(s, 'init container'));
  const main = (pod.status?.containerStatuses ?? []).map((s) => containerProblem(s, 'container'));
  return [...init, ...main].find((problem) => problem !== undefined);
}

function containerProblem(status: V1ContainerStatus, kind: string): PodProblem | undefined {
  const who = `${kind} "${status.name}"`;
  const last = status.lastState?.terminated;
  const lastExit = last ? ` (last exit ${last.exitCode}${last.reason ? `: ${last.reason}` : ''})` : '';
  const waiting = status.state?.waiting;
  if (waiting?.reason && !STARTING_REASONS.has(waiting.reason)) {
    const message =
      waiting.message && !VOLATILE_MESSAGE_REASONS.has(waiting.reason) ? `: ${clip(waiting.message)}` : '';
    return { reason: waiting.reason, detail: `${who} is waiting: ${waiting.reason}${message}${lastExit}` };
  }
  const terminated = status.state?.terminated;
  if (terminated && terminated.exitCode !== 0) {
    const reason = terminated.reason || 'Error';
    return { reason, detail: `${who} terminated: ${reason} (exit ${terminated.exitCode})` };
  }
  return undefined;
}

/** `PodScheduled=False`, e.g. `Unschedulable` with the scheduler's `0/3 nodes are available: …`. */
function schedulingProblemOf(pod: V1Pod): PodProblem | undefined {
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status !== 'False') return undefined;
  const reason = scheduled.reason || 'Unschedulable';
  return { reason, detail: scheduled.message ? clip(scheduled.message) : `pod is ${reason}` };
}

/**
 * `ReplicaFailure=True` on the Deployment: the ReplicaSet could not create a pod, so there is no pod to
 * read. A missing RuntimeClass lands here: `pods "app-5c9f8d9b8-" is forbidden: pod rejected: RuntimeClass
 * "wasmtime-spin-v2" not found`.
 */
function replicaFailure(deployment: V1Deployment): V1DeploymentCondition | undefined {
  return deployment.status?.conditions?.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
}

/** Pods that count: not being deleted and not finished (evicted pods linger as `Failed`). */
function isLive(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return !pod.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

function isPodReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function byName(a: V1Pod, b: V1Pod): number {
  const x = a.metadata?.name ?? '';
  const y = b.metadata?.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** One line, at most `MAX_DETAIL_LENGTH` characters. */
function clip(message: string): string {
  const line = message.replace(/\s+/g, ' ').trim();
  return line.length > MAX_DETAIL_LENGTH ? `${line.slice(0, MAX_DETAIL_LENGTH - 1)}…` : line;
}
