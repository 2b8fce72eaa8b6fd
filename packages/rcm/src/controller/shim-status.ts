/**
 * A Shim's status: upstream's `nodes` (selected) and `nodesReady` (labelled provisioned), plus conditions
 * upstream leaves empty — `Ready` (every selected node runs the current revision), `Progressing` (a
 * rollout or uninstall is under way, or held back) and `Degraded` (nodes failed, nodes without a download
 * for their platform, or a spec that cannot work), each naming the nodes and why. Messages list nodes in
 * name order and leave out what changes on every pass, so an unchanged cluster gives an unchanged status.
 */
import { setStatusCondition, type Condition, type ShimStatus } from '@spinkube/api';
import type { NodeProblem, RolloutReport } from './rollout-plan.js';

export const ShimConditions = { ready: 'Ready', progressing: 'Progressing', degraded: 'Degraded' } as const;

/** Nodes named in one message before "and N more". */
const LISTED_NODES = 5;

export interface StatusInput {
  readonly previous: ShimStatus | undefined;
  readonly generation: number | undefined;
  readonly report: RolloutReport;
  readonly problems: readonly string[];
  readonly deleting: boolean;
  readonly rolling: boolean;
  readonly now: Date;
}

export function shimStatus(input: StatusInput): ShimStatus {
  const { report, problems, previous, now } = input;
  const set = (conditions: Condition[], condition: Omit<Condition, 'lastTransitionTime'>) =>
    setStatusCondition(
      conditions,
      {
        ...condition,
        ...(input.generation === undefined ? {} : { observedGeneration: input.generation }),
      },
      now,
    );
  let conditions: Condition[] = [...(previous?.conditions ?? [])];
  conditions = set(conditions, ready(input));
  conditions = set(conditions, progressing(input));
  conditions = set(conditions, degraded(report, problems));
  return { conditions, nodes: report.selected, nodesReady: report.provisioned };
}

type ConditionBody = Omit<Condition, 'lastTransitionTime' | 'observedGeneration'>;

function ready({ report, problems, deleting }: StatusInput): ConditionBody {
  const type = ShimConditions.ready;
  if (deleting) return { type, status: 'False', reason: 'Terminating', message: 'the Shim is being deleted' };
  if (problems.length > 0)
    return { type, status: 'False', reason: 'InvalidSpec', message: problems.join('; ') };
  if (report.selected === 0)
    return { type, status: 'False', reason: 'NoMatchingNodes', message: 'no node matches spec.nodeSelector' };
  const counts = `${String(report.current)} of ${String(report.selected)} selected nodes run the current revision`;
  return report.current === report.selected
    ? { type, status: 'True', reason: 'AllNodesProvisioned', message: counts }
    : { type, status: 'False', reason: 'NodesNotProvisioned', message: counts };
}

function progressing({ report, deleting, rolling, problems }: StatusInput): ConditionBody {
  const type = ShimConditions.progressing;
  if (deleting)
    return report.labelled === 0
      ? { type, status: 'False', reason: 'Uninstalled', message: 'no node carries the shim' }
      : {
          type,
          status: 'True',
          reason: 'Uninstalling',
          message: [
            ...(report.uninstalling.length > 0 ? [`uninstalling from ${nodeList(report.uninstalling)}`] : []),
            ...(report.failed.length > 0 ? [`retrying ${problemList(report.failed)}`] : []),
            `waiting for ${String(report.labelled)} node(s) to finish`,
          ].join('; '),
        };
  if (problems.length > 0)
    return {
      type,
      status: 'False',
      reason: 'InvalidSpec',
      message: 'nothing is rolled out until the spec is fixed',
    };
  if (report.stopped)
    return {
      type,
      status: 'False',
      reason: 'RolloutStopped',
      message: `rolling rollout stopped: ${problemList(report.failed)}; ${String(report.waiting.length)} node(s) wait until it is provisioned`,
    };
  if (report.installing.length > 0 || report.uninstalling.length > 0 || report.waiting.length > 0) {
    const parts = [
      ...(report.installing.length > 0 ? [`installing on ${nodeList(report.installing)}`] : []),
      ...(report.uninstalling.length > 0 ? [`uninstalling from ${nodeList(report.uninstalling)}`] : []),
      ...(report.waiting.length > 0
        ? [`${String(report.waiting.length)} node(s) waiting${rolling ? ' for a rollout slot' : ''}`]
        : []),
    ];
    return { type, status: 'True', reason: 'RollingOut', message: parts.join('; ') };
  }
  if (report.failed.length > 0)
    return { type, status: 'False', reason: 'RetryingFailedNodes', message: problemList(report.failed) };
  return { type, status: 'False', reason: 'RolloutComplete', message: 'every selected node is up to date' };
}

function degraded(report: RolloutReport, problems: readonly string[]): ConditionBody {
  const type = ShimConditions.degraded;
  if (problems.length > 0)
    return { type, status: 'True', reason: 'InvalidSpec', message: problems.join('; ') };
  const nodes = [...report.failed, ...report.noPlatform];
  if (nodes.length > 0)
    return {
      type,
      status: 'True',
      reason: report.failed.length > 0 ? 'NodesFailed' : 'NoMatchingPlatform',
      message: problemList(nodes),
    };
  return { type, status: 'False', reason: 'AsExpected', message: 'no node has failed' };
}

function nodeList(nodes: readonly string[]): string {
  const shown = nodes.slice(0, LISTED_NODES).join(', ');
  return nodes.length > LISTED_NODES ? `${shown} and ${String(nodes.length - LISTED_NODES)} more` : shown;
}

function problemList(problems: readonly NodeProblem[]): string {
  const shown = problems.slice(0, LISTED_NODES).map((p) => `node ${p.node}: ${p.message}`);
  const more = problems.length > LISTED_NODES ? [`and ${String(problems.length - LISTED_NODES)} more`] : [];
  return [...shown, ...more].join('; ');
}
