import { describe, expect, it } from 'vitest';
import type { RolloutReport } from './rollout-plan.js';
import { shimStatus } from './shim-status.js';

const report = (overrides: Partial<RolloutReport> = {}): RolloutReport => ({
  selected: 3,
  provisioned: 3,
  current: 3,
  installing: [],
  uninstalling: [],
  waiting: [],
  failed: [],
  noPlatform: [],
  stopped: false,
  labelled: 3,
  ...overrides,
});
const T0 = new Date('2026-12-08T10:00:00.123Z');
const T1 = new Date('2026-12-08T10:05:00Z');
const status = (r: RolloutReport, extra: { problems?: string[]; deleting?: boolean; now?: Date } = {}) =>
  shimStatus({
    previous: undefined,
    generation: 4,
    report: r,
    problems: extra.problems ?? [],
    deleting: extra.deleting ?? false,
    rolling: true,
    now: extra.now ?? T0,
  });
const condition = (s: ReturnType<typeof status>, type: string) => s.conditions?.find((c) => c.type === type);

describe('shimStatus', () => {
  it("keeps upstream's counts and says Ready when every selected node runs the current revision", () => {
    const s = status(report());
    expect(s).toMatchObject({ nodes: 3, nodesReady: 3 });
    expect(condition(s, 'Ready')).toEqual({
      type: 'Ready',
      status: 'True',
      reason: 'AllNodesProvisioned',
      message: '3 of 3 selected nodes run the current revision',
      observedGeneration: 4,
      lastTransitionTime: '2026-12-08T10:00:00Z',
    });
    expect(condition(s, 'Progressing')).toMatchObject({ status: 'False', reason: 'RolloutComplete' });
    expect(condition(s, 'Degraded')).toMatchObject({ status: 'False', reason: 'AsExpected' });
  });

  it('names the failing nodes and why, and a stopped rollout', () => {
    const s = status(
      report({
        provisioned: 1,
        current: 1,
        failed: [{ node: 'b', message: 'downloader: HTTP 404 from https://x.test/a.tar.gz' }],
        noPlatform: [{ node: 'arm', message: 'no download for linux/arm64 in spec.fetchStrategy' }],
        waiting: ['c'],
        stopped: true,
      }),
    );
    expect(condition(s, 'Ready')).toMatchObject({ status: 'False', reason: 'NodesNotProvisioned' });
    expect(condition(s, 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'RolloutStopped',
      message:
        'rolling rollout stopped: node b: downloader: HTTP 404 from https://x.test/a.tar.gz; 1 node(s) wait until it is provisioned',
    });
    expect(condition(s, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'NodesFailed',
      message:
        'node b: downloader: HTTP 404 from https://x.test/a.tar.gz; node arm: no download for linux/arm64 in spec.fetchStrategy',
    });
  });

  it('lists at most five nodes', () => {
    const s = status(report({ installing: ['a', 'b', 'c', 'd', 'e', 'f', 'g'], current: 0, provisioned: 0 }));
    expect(condition(s, 'Progressing')?.message).toBe('installing on a, b, c, d, e and 2 more');
  });

  it('reports an invalid spec, no matching nodes and a deletion in progress', () => {
    expect(condition(status(report(), { problems: ['spec.x: bad'] }), 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'InvalidSpec',
      message: 'spec.x: bad',
    });
    expect(condition(status(report({ selected: 0, current: 0 })), 'Ready')).toMatchObject({
      reason: 'NoMatchingNodes',
    });
    const deleting = status(report({ uninstalling: ['a'], labelled: 1 }), { deleting: true });
    expect(condition(deleting, 'Ready')).toMatchObject({ status: 'False', reason: 'Terminating' });
    expect(condition(deleting, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'Uninstalling',
      message: 'uninstalling from a; waiting for 1 node(s) to finish',
    });
    const retrying = status(report({ labelled: 1, failed: [{ node: 'b', message: 'provisioner: busy' }] }), {
      deleting: true,
    });
    expect(condition(retrying, 'Progressing')?.message).toBe(
      'retrying node b: provisioner: busy; waiting for 1 node(s) to finish',
    );
  });

  it('moves lastTransitionTime only when a condition changes status', () => {
    const first = status(report({ current: 2 }));
    const again = shimStatus({
      previous: first,
      generation: 5,
      report: report({ current: 2, provisioned: 2 }),
      problems: [],
      deleting: false,
      rolling: false,
      now: T1,
    });
    expect(condition(again, 'Ready')?.lastTransitionTime).toBe('2026-12-08T10:00:00Z');
    const ready = shimStatus({
      previous: again,
      generation: 5,
      report: report(),
      problems: [],
      deleting: false,
      rolling: false,
      now: T1,
    });
    expect(condition(ready, 'Ready')).toMatchObject({
      status: 'True',
      lastTransitionTime: '2026-12-08T10:05:00Z',
    });
  });
});
