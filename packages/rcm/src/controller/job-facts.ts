/**
 * A node Job as the manager reads it back: which node, shim and operation (upstream's annotations), the
 * revision and attempt the manager added, and where it stands. `Failed` and `FailureTarget` count as
 * failed, `Complete` as complete (upstream's JobReconciler); anything else is still running.
 */
import type { V1Job } from '@kubernetes/client-node';
import { ShimJobKeys } from '@spinkube/api';
import { JobAnnotations, type NodeOperation } from '../shim/node-job.js';

export type JobPhase = 'running' | 'complete' | 'failed';

export interface JobFacts {
  readonly name: string;
  readonly uid: string;
  readonly node: string;
  readonly shim: string;
  readonly operation: NodeOperation;
  readonly revision?: string;
  readonly attempt: number;
  readonly phase: JobPhase;
  /** When it completed or failed (ms since the epoch). */
  readonly finishedAt?: number;
  /** The Job's own reason for failing (e.g. `BackoffLimitExceeded: Job has reached the specified backoff limit`). */
  readonly failure?: string;
}

/** The facts of one of the manager's Jobs, or undefined for any other Job. */
export function jobFacts(job: V1Job): JobFacts | undefined {
  const annotations = job.metadata?.annotations ?? {};
  const node = annotations[ShimJobKeys.nodeName];
  const shim = annotations[ShimJobKeys.shimName];
  const operation = annotations[ShimJobKeys.operation];
  if (!node || !shim || (operation !== 'install' && operation !== 'uninstall')) return undefined;
  const conditions = job.status?.conditions ?? [];
  const holds = (type: string) => conditions.find((c) => c.type === type && c.status === 'True');
  const failed = holds('Failed') ?? holds('FailureTarget');
  const complete = failed ? undefined : holds('Complete');
  const terminal = failed ?? complete;
  const attempt = Number(annotations[JobAnnotations.attempt]);
  const revision = annotations[JobAnnotations.revision];
  const finishedAt = terminal?.lastTransitionTime
    ? new Date(terminal.lastTransitionTime).getTime()
    : undefined;
  return {
    name: job.metadata?.name ?? '',
    uid: job.metadata?.uid ?? '',
    node,
    shim,
    operation,
    ...(revision ? { revision } : {}),
    attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : 1,
    phase: failed ? 'failed' : complete ? 'complete' : 'running',
    ...(finishedAt !== undefined && !Number.isNaN(finishedAt) ? { finishedAt } : {}),
    ...(failed
      ? { failure: [failed.reason, failed.message].filter((part) => part).join(': ') || 'Job failed' }
      : {}),
  };
}
