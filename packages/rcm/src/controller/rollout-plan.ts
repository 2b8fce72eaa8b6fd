/**
 * The heart of the Shim controller, as a pure function of what the caches hold: from the Shim, the nodes
 * and the Shim's node Jobs, the writes that move the cluster one step towards the shim installed (at the
 * current revision) on every selected node and on no other — or, while the Shim is being deleted, on none.
 *
 * Each node's `<shim>` label is the state machine (upstream's values): none → `pending` (install Job) →
 * `provisioned` or `failed`; `uninstall` (uninstall Job) → none or `failed`. A finished Job is first read
 * into the label ("absorbed"), then the node's next step is chosen. Beyond upstream:
 * - `rolling` keeps at most `maxUpdate` nodes `pending`, and starts no new node while one has failed at
 *   the current revision (that node alone is retried);
 * - a failed node is retried after a back-off (10 s doubling to 5 min), its failed Job replaced;
 * - a provisioned node whose recorded revision differs is installed again (changed location, sha256 or
 *   options);
 * - a node no longer selected is uninstalled, as is every node when the Shim is deleted; a finished
 *   uninstall Job is deleted once read, so nothing is left behind.
 */
import { ShimNodeStates, type ShimSpec } from '@spinkube/api';
import { nodeJobName, type NodeOperation } from '../shim/node-job.js';
import { resolveArtifact, type ShimArtifact } from '../shim/node-platform.js';
import type { JobFacts } from './job-facts.js';
import { selectsNode, type NodeFacts } from './node-facts.js';
import { nodeRevisionAnnotation, shimRevision } from './shim-revision.js';

export const RETRY_BASE_MS = 10_000;
export const RETRY_MAX_MS = 5 * 60_000;

/** How long after its `attempt`-th failure a node is tried again. */
export function retryDelayMs(attempt: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempt - 1));
}

export interface PlanInput {
  readonly shimName: string;
  readonly spec: ShimSpec;
  readonly deleting: boolean;
  readonly nodes: readonly NodeFacts[];
  /** The Shim's node Jobs by name (upstream's deterministic names). */
  readonly jobs: ReadonlyMap<string, JobFacts>;
  readonly now: number;
}

export interface NodeEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

export type PlannedWrite =
  | {
      readonly kind: 'label';
      readonly node: string;
      /** null removes the label. */
      readonly value: string | null;
      /** Sets (or with null removes) the revision annotation with the label; untouched when absent. */
      readonly revision?: string | null;
      readonly event?: NodeEvent;
    }
  /** Deleted only if it is still this very Job (uid precondition): a cache that lags never removes its successor. */
  | { readonly kind: 'deleteJob'; readonly job: string; readonly uid: string }
  | {
      readonly kind: 'createJob';
      readonly node: string;
      readonly operation: NodeOperation;
      readonly artifact?: ShimArtifact;
      readonly revision?: string;
      readonly attempt: number;
      readonly event?: NodeEvent;
    };

export interface NodeProblem {
  readonly node: string;
  readonly message: string;
}

/** What the status conditions are made of. */
export interface RolloutReport {
  /** Nodes matching the selector (upstream's `status.nodes`). */
  readonly selected: number;
  /** Of those, labelled `provisioned` (upstream's `status.nodesReady`). */
  readonly provisioned: number;
  /** Of those, provisioned at the current revision. */
  readonly current: number;
  readonly installing: readonly string[];
  readonly uninstalling: readonly string[];
  /** Selected nodes waiting for a rollout slot. */
  readonly waiting: readonly string[];
  readonly failed: readonly NodeProblem[];
  readonly noPlatform: readonly NodeProblem[];
  /** A rolling rollout holds back new nodes because one failed. */
  readonly stopped: boolean;
  /** Nodes still carrying the Shim's label (the deletion waits for none). */
  readonly labelled: number;
}

export interface Plan {
  readonly writes: readonly PlannedWrite[];
  readonly report: RolloutReport;
  /** Come back then even if nothing changes (a retry's back-off ends). */
  readonly requeueAfterMs?: number;
}

interface Candidate {
  readonly node: NodeFacts;
  readonly artifact: ShimArtifact;
  readonly revision: string;
  readonly attempt: number;
  /** A Job to delete first (a failed or stale one holding the name). */
  readonly replaces?: JobFacts;
  readonly retry: boolean;
}

export function planRollout(input: PlanInput): Plan {
  const { shimName, spec, deleting, now } = input;
  const writes: PlannedWrite[] = [];
  const candidates: Candidate[] = [];
  const installing: string[] = [];
  const uninstalling: string[] = [];
  const failed: NodeProblem[] = [];
  const noPlatform: NodeProblem[] = [];
  let selected = 0;
  let provisioned = 0;
  let current = 0;
  let labelled = 0;
  let wakeAt = Infinity;
  const revisionKey = nodeRevisionAnnotation(shimName);

  for (const node of [...input.nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const installJob = input.jobs.get(nodeJobName(node.name, shimName, 'install'));
    const uninstallJob = input.jobs.get(nodeJobName(node.name, shimName, 'uninstall'));
    let state: string | undefined = node.labels[shimName];
    let revision = node.annotations[revisionKey];

    // 1. A finished Job becomes the node's label.
    if (state === ShimNodeStates.pending && installJob?.phase === 'complete') {
      state = ShimNodeStates.provisioned;
      revision = installJob.revision;
      writes.push({
        kind: 'label',
        node: node.name,
        value: state,
        revision: revision ?? null,
        event: { type: 'Normal', reason: 'Provisioned', message: `node ${node.name}: ${shimName} installed` },
      });
    } else if (state === ShimNodeStates.pending && installJob?.phase === 'failed') {
      state = ShimNodeStates.failed;
      writes.push({
        kind: 'label',
        node: node.name,
        value: state,
        event: {
          type: 'Warning',
          reason: 'InstallFailed',
          message: `node ${node.name}: ${installJob.failure ?? 'install Job failed'}`,
        },
      });
    } else if (state === ShimNodeStates.uninstall && uninstallJob?.phase === 'complete') {
      state = undefined;
      revision = undefined;
      writes.push(
        {
          kind: 'label',
          node: node.name,
          value: null,
          revision: null,
          event: {
            type: 'Normal',
            reason: 'Uninstalled',
            message: `node ${node.name}: ${shimName} uninstalled`,
          },
        },
        deleteJob(uninstallJob),
      );
    } else if (state === ShimNodeStates.uninstall && uninstallJob?.phase === 'failed') {
      state = ShimNodeStates.failed;
      writes.push({
        kind: 'label',
        node: node.name,
        value: state,
        event: {
          type: 'Warning',
          reason: 'UninstallFailed',
          message: `node ${node.name}: ${uninstallJob.failure ?? 'uninstall Job failed'}`,
        },
      });
    } else if (state === undefined && uninstallJob?.phase === 'complete') {
      // Read already (the label went in an earlier pass) but not yet deleted.
      writes.push(deleteJob(uninstallJob));
    }

    const wanted = !deleting && selectsNode(spec.nodeSelector, node.labels);
    if (state !== undefined) labelled += 1;
    if (wanted) {
      selected += 1;
      if (state === ShimNodeStates.provisioned) provisioned += 1;
    }

    // 2. The node's next step.
    if (!wanted) {
      if (state === undefined) continue;
      if (state === ShimNodeStates.uninstall) {
        uninstalling.push(node.name);
        if (!uninstallJob) writes.push(uninstallWrite(node.name, 1));
        continue;
      }
      if (state === ShimNodeStates.pending && installJob?.phase === 'running') {
        // Stop the install first; the uninstall follows once its Job is gone.
        uninstalling.push(node.name);
        writes.push(deleteJob(installJob));
        continue;
      }
      const failedUninstall = uninstallJob?.phase === 'failed' ? uninstallJob : undefined;
      if (failedUninstall) {
        const due = (failedUninstall.finishedAt ?? now) + retryDelayMs(failedUninstall.attempt);
        failed.push({ node: node.name, message: failedUninstall.failure ?? 'uninstall Job failed' });
        if (now < due) {
          wakeAt = Math.min(wakeAt, due);
          continue;
        }
        writes.push(deleteJob(failedUninstall));
        uninstalling.push(node.name);
        writes.push(
          { kind: 'label', node: node.name, value: ShimNodeStates.uninstall },
          uninstallWrite(node.name, failedUninstall.attempt + 1),
        );
        continue;
      }
      if (installJob) writes.push(deleteJob(installJob));
      uninstalling.push(node.name);
      writes.push(
        { kind: 'label', node: node.name, value: ShimNodeStates.uninstall },
        uninstallWrite(node.name, 1),
      );
      continue;
    }

    const artifact = resolveArtifact(spec.fetchStrategy, node);
    if (!artifact) {
      noPlatform.push({
        node: node.name,
        message: `no download for ${node.operatingSystem || '?'}/${node.architecture || '?'} in spec.fetchStrategy`,
      });
      continue;
    }
    const desired = shimRevision(artifact, spec.containerdRuntimeOptions);
    const fresh = (replaces?: JobFacts): Candidate => ({
      node,
      artifact,
      revision: desired,
      attempt: 1,
      retry: false,
      ...(replaces ? { replaces } : {}),
    });

    switch (state) {
      case ShimNodeStates.provisioned:
        if (revision === desired) current += 1;
        else candidates.push(fresh(installJob));
        break;
      case ShimNodeStates.pending:
        installing.push(node.name);
        if (installJob?.phase === 'running' && installJob.revision === desired) break;
        // No Job (lost before it was created) or one for another revision: (re)create it now.
        if (installJob) writes.push(deleteJob(installJob));
        writes.push(installWrite(fresh(), shimName));
        break;
      case ShimNodeStates.uninstall:
        uninstalling.push(node.name);
        if (!uninstallJob) writes.push(uninstallWrite(node.name, 1));
        break;
      case ShimNodeStates.failed: {
        const failedInstall = installJob?.phase === 'failed' ? installJob : undefined;
        if (failedInstall?.revision !== desired) {
          // The spec changed since, or the failure was an uninstall, or its Job is gone: start over.
          candidates.push(fresh(failedInstall ?? uninstallJob));
          break;
        }
        failed.push({ node: node.name, message: failedInstall.failure ?? 'install Job failed' });
        const due = (failedInstall.finishedAt ?? now) + retryDelayMs(failedInstall.attempt);
        if (now < due) wakeAt = Math.min(wakeAt, due);
        else
          candidates.push({
            node,
            artifact,
            revision: desired,
            attempt: failedInstall.attempt + 1,
            retry: true,
            replaces: failedInstall,
          });
        break;
      }
      default:
        // No label (or a value this manager never writes): install.
        candidates.push(fresh(installJob));
    }
  }

  // 3. Start installs, as many as the strategy allows.
  const stopped = spec.rolloutStrategy.type === 'rolling' && failed.length > 0;
  const waiting: string[] = [];
  let budget =
    spec.rolloutStrategy.type === 'rolling'
      ? Math.max(0, Math.max(1, spec.rolloutStrategy.rolling?.maxUpdate ?? 1) - installing.length)
      : Infinity;
  const ordered = [...candidates.filter((c) => c.retry), ...candidates.filter((c) => !c.retry)];
  for (const candidate of ordered) {
    if (budget <= 0 || (stopped && !candidate.retry)) {
      waiting.push(candidate.node.name);
      continue;
    }
    budget -= 1;
    installing.push(candidate.node.name);
    if (candidate.replaces) writes.push(deleteJob(candidate.replaces));
    writes.push(
      { kind: 'label', node: candidate.node.name, value: ShimNodeStates.pending },
      installWrite(candidate, shimName),
    );
  }

  return {
    writes,
    report: {
      selected,
      provisioned,
      current,
      installing,
      uninstalling,
      waiting,
      failed,
      noPlatform,
      stopped,
      labelled,
    },
    ...(Number.isFinite(wakeAt) ? { requeueAfterMs: Math.max(0, wakeAt - now) } : {}),
  };
}

function installWrite(candidate: Omit<Candidate, 'retry'>, shimName: string): PlannedWrite {
  return {
    kind: 'createJob',
    node: candidate.node.name,
    operation: 'install',
    artifact: candidate.artifact,
    revision: candidate.revision,
    attempt: candidate.attempt,
    event: {
      type: 'Normal',
      reason: 'Installing',
      message: `node ${candidate.node.name}: installing ${shimName} from ${candidate.artifact.location}${candidate.attempt > 1 ? ` (attempt ${String(candidate.attempt)})` : ''}`,
    },
  };
}

function deleteJob(job: JobFacts): PlannedWrite {
  return { kind: 'deleteJob', job: job.name, uid: job.uid };
}

function uninstallWrite(node: string, attempt: number): PlannedWrite {
  return {
    kind: 'createJob',
    node,
    operation: 'uninstall',
    attempt,
    event: {
      type: 'Normal',
      reason: 'Uninstalling',
      message: `node ${node}: uninstalling${attempt > 1 ? ` (attempt ${String(attempt)})` : ''}`,
    },
  };
}
