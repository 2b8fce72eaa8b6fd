/**
 * The status upstream writes on a SpinApp (reference §1.3): the active executor, ready replicas, the names
 * of the Deployment and Service, and `Available`/`Progressing` conditions copied from the Deployment —
 * `Unknown`/`DeploymentNotFound` while it does not exist. Conditions follow apimachinery's
 * `SetStatusCondition`: `lastTransitionTime` moves only when a condition's status changes.
 */
import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import type { Condition, SpinAppStatus } from '@spinkube/api';

const COPIED_TYPES = ['Available', 'Progressing'] as const;

/** Sets a condition in `conditions` (a copy), keeping its transition time unless its status changed. */
export function setStatusCondition(
  conditions: readonly Condition[],
  next: Omit<Condition, 'lastTransitionTime'>,
  now: Date,
): Condition[] {
  const existing = conditions.find((c) => c.type === next.type);
  const lastTransitionTime =
    existing && existing.status === next.status
      ? existing.lastTransitionTime
      : now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const updated: Condition = { ...next, lastTransitionTime };
  return existing ? conditions.map((c) => (c.type === next.type ? updated : c)) : [...conditions, updated];
}

export interface StatusInputs {
  readonly executorName: string;
  readonly previous: SpinAppStatus | undefined;
  readonly deployment: V1Deployment | undefined;
  readonly service: V1Service | undefined;
  readonly now: Date;
}

export function computeStatus({
  executorName,
  previous,
  deployment,
  service,
  now,
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
  return {
    ...(previous ?? {}),
    activeScheduler: executorName,
    readyReplicas: deployment?.status?.readyReplicas ?? 0,
    conditions,
    ...(deployment?.metadata?.name ? { deploymentName: deployment.metadata.name } : {}),
    ...(service?.metadata?.name ? { serviceName: service.metadata.name } : {}),
  };
}
