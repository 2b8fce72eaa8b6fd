/**
 * Why a node Job failed, in the words of the program that failed: the terminated container's message
 * (the downloader and installer write their error to /dev/termination-log), else its reason and exit code,
 * else the Job's own condition. Read once per failed Job (by uid) from its pods, so a failed node costs one
 * pod list, not one per reconcile.
 */
import type { CoreV1Api, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { JobFacts } from './job-facts.js';

/** Longest message copied from a pod into a condition or an Event. */
const MAX_MESSAGE = 512;
/** Failed Jobs remembered (a bound, not a working-set estimate). */
const REMEMBERED = 1024;

export class JobFailureReasons {
  private readonly reasons = new Map<string, string>();

  constructor(
    private readonly core: CoreV1Api,
    private readonly namespace: string,
  ) {}

  /** `job` with `failure` replaced by its pod's account, when there is one. */
  async explain(job: JobFacts): Promise<JobFacts> {
    if (job.phase !== 'failed') return job;
    let reason = this.reasons.get(job.uid);
    if (reason === undefined) {
      reason = (await this.fromPods(job.uid)) ?? job.failure ?? 'Job failed';
      if (this.reasons.size >= REMEMBERED) this.reasons.delete(this.reasons.keys().next().value ?? '');
      this.reasons.set(job.uid, reason);
    }
    return { ...job, failure: reason };
  }

  /** By the Job's uid: pods left by an earlier Job of the same name must not speak for this one. */
  private async fromPods(jobUid: string): Promise<string | undefined> {
    let pods: V1Pod[];
    try {
      pods = (
        await this.core.listNamespacedPod({
          namespace: this.namespace,
          labelSelector: `batch.kubernetes.io/controller-uid=${jobUid}`,
        })
      ).items;
    } catch {
      return undefined; // The Job's own reason will do.
    }
    for (const pod of pods) {
      const statuses = [
        ...(pod.status?.initContainerStatuses ?? []),
        ...(pod.status?.containerStatuses ?? []),
      ];
      const failed = statuses.find((status) => (status.state?.terminated?.exitCode ?? 0) !== 0);
      if (failed) return describe(failed);
      if (pod.status?.phase === 'Failed' && pod.status.message) return clip(pod.status.message);
    }
    return undefined;
  }
}

function describe(status: V1ContainerStatus): string {
  const terminated = status.state?.terminated;
  const message = terminated?.message?.trim();
  if (message) return `${status.name}: ${clip(message)}`;
  return `${status.name}: ${terminated?.reason ?? 'Error'} (exit code ${String(terminated?.exitCode ?? '?')})`;
}

function clip(text: string): string {
  const oneLine = text.replace(/\s*\n\s*/g, ' ').trim();
  return oneLine.length > MAX_MESSAGE ? `${oneLine.slice(0, MAX_MESSAGE - 1)}…` : oneLine;
}
