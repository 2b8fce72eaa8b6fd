import type { ShimSpec } from '@spinkube/api';
import { describe, expect, it } from 'vitest';
import type { JobFacts } from './job-facts.js';
import type { NodeFacts } from './node-facts.js';
import { planRollout, retryDelayMs, type PlanInput, type PlannedWrite } from './rollout-plan.js';
import { nodeRevisionAnnotation, shimRevision } from './shim-revision.js';

const X86 = { location: 'https://example.test/shim-x86_64.tar.gz', sha256: 'a'.repeat(64) };
const spec = (overrides: Partial<ShimSpec> = {}): ShimSpec => ({
  nodeSelector: { spin: 'true' },
  fetchStrategy: { platforms: [{ os: 'linux', arch: 'x86_64', ...X86 }] },
  runtimeClass: { name: 'wasmtime-spin-v2', handler: 'spin-v2' },
  rolloutStrategy: { type: 'recreate' },
  ...overrides,
});
const REVISION = shimRevision(X86, undefined);
const NOW = 1_000_000;

function node(name: string, state?: string, extra: Partial<NodeFacts> = {}): NodeFacts {
  return {
    name,
    labels: { spin: 'true', ...(state ? { 'spin-v2': state } : {}) },
    annotations: state === 'provisioned' ? { [nodeRevisionAnnotation('spin-v2')]: REVISION } : {},
    taints: [],
    operatingSystem: 'linux',
    architecture: 'amd64',
    ...extra,
  };
}

function job(
  nodeName: string,
  operation: 'install' | 'uninstall',
  phase: JobFacts['phase'],
  extra: Partial<JobFacts> = {},
): JobFacts {
  return {
    name: `${nodeName}-spin-v2-${operation}`,
    uid: `uid-${nodeName}-${operation}`,
    node: nodeName,
    shim: 'spin-v2',
    operation,
    ...(operation === 'install' ? { revision: REVISION } : {}),
    attempt: 1,
    phase,
    ...(phase === 'running' ? {} : { finishedAt: NOW }),
    ...(phase === 'failed' ? { failure: 'downloader: sha256 mismatch' } : {}),
    ...extra,
  };
}

function plan(input: Partial<Omit<PlanInput, 'jobs'>> & { nodes: NodeFacts[]; jobs?: JobFacts[] }) {
  const { jobs, ...rest } = input;
  return planRollout({
    shimName: 'spin-v2',
    spec: spec(),
    deleting: false,
    now: NOW,
    ...rest,
    jobs: new Map((jobs ?? []).map((j) => [j.name, j])),
  });
}

const summary = (writes: readonly PlannedWrite[]) =>
  writes.map((w) =>
    w.kind === 'label'
      ? `label ${w.node}=${String(w.value)}`
      : w.kind === 'deleteJob'
        ? `delete ${w.job}`
        : `create ${w.node} ${w.operation}#${String(w.attempt)}`,
  );

describe('planRollout', () => {
  it('recreate: labels every selected node pending and creates its install Job, skipping unselected nodes', () => {
    const result = plan({
      nodes: [node('b'), node('a'), { ...node('c'), labels: { other: 'x' } }],
    });
    expect(summary(result.writes)).toEqual([
      'label a=pending',
      'create a install#1',
      'label b=pending',
      'create b install#1',
    ]);
    const create = result.writes.find((w) => w.kind === 'createJob');
    expect(create).toMatchObject({ artifact: X86, revision: REVISION });
    expect(result.report).toMatchObject({ selected: 2, provisioned: 0, installing: ['a', 'b'], waiting: [] });
  });

  it('rolling with maxUpdate 1: one node at a time, the next once the previous is provisioned', () => {
    const rolling = spec({ rolloutStrategy: { type: 'rolling', rolling: { maxUpdate: 1 } } });
    const first = plan({ spec: rolling, nodes: [node('a'), node('b'), node('c')] });
    expect(summary(first.writes)).toEqual(['label a=pending', 'create a install#1']);
    expect(first.report.waiting).toEqual(['b', 'c']);

    const busy = plan({
      spec: rolling,
      nodes: [node('a', 'pending'), node('b'), node('c')],
      jobs: [job('a', 'install', 'running')],
    });
    expect(busy.writes).toEqual([]);

    const next = plan({
      spec: rolling,
      nodes: [node('a', 'pending'), node('b'), node('c')],
      jobs: [job('a', 'install', 'complete')],
    });
    expect(summary(next.writes)).toEqual(['label a=provisioned', 'label b=pending', 'create b install#1']);
    expect(next.writes[0]).toMatchObject({ revision: REVISION, event: { reason: 'Provisioned' } });
    expect(next.report).toMatchObject({ provisioned: 1, current: 1, installing: ['b'], waiting: ['c'] });
  });

  it('a failed node stops a rolling rollout, and is retried alone after its back-off', () => {
    const rolling = spec({ rolloutStrategy: { type: 'rolling', rolling: { maxUpdate: 2 } } });
    const failed = plan({
      spec: rolling,
      nodes: [node('a', 'pending'), node('b'), node('c')],
      jobs: [job('a', 'install', 'failed')],
    });
    expect(summary(failed.writes)).toEqual(['label a=failed']);
    expect(failed.writes[0]).toMatchObject({
      event: { type: 'Warning', reason: 'InstallFailed', message: 'node a: downloader: sha256 mismatch' },
    });
    expect(failed.report).toMatchObject({
      stopped: true,
      waiting: ['b', 'c'],
      failed: [{ node: 'a', message: 'downloader: sha256 mismatch' }],
    });
    expect(failed.requeueAfterMs).toBe(retryDelayMs(1));

    const retry = plan({
      spec: rolling,
      now: NOW + retryDelayMs(1),
      nodes: [node('a', 'failed'), node('b'), node('c')],
      jobs: [job('a', 'install', 'failed')],
    });
    expect(summary(retry.writes)).toEqual([
      'delete a-spin-v2-install',
      'label a=pending',
      'create a install#2',
    ]);
    expect(retry.writes[0]).toMatchObject({ uid: 'uid-a-install' });
    expect(retry.report.waiting).toEqual(['b', 'c']);
  });

  it('backs off longer on each attempt, up to five minutes', () => {
    expect([1, 2, 3, 10].map(retryDelayMs)).toEqual([10_000, 20_000, 40_000, 300_000]);
  });

  it('reinstalls a provisioned node when the sha256 or the runtime options change (upstream #577)', () => {
    const changed = spec({
      fetchStrategy: { platforms: [{ os: 'linux', arch: 'amd64', ...X86, sha256: 'b'.repeat(64) }] },
    });
    const result = plan({
      spec: changed,
      nodes: [node('a', 'provisioned')],
      jobs: [job('a', 'install', 'complete')],
    });
    expect(summary(result.writes)).toEqual([
      'delete a-spin-v2-install',
      'label a=pending',
      'create a install#1',
    ]);
    expect(result.report.current).toBe(0);

    const withOptions = plan({
      spec: spec({ containerdRuntimeOptions: { SystemdCgroup: 'true' } }),
      nodes: [node('a', 'provisioned')],
    });
    expect(summary(withOptions.writes)).toEqual(['label a=pending', 'create a install#1']);

    const same = plan({ nodes: [node('a', 'provisioned')], jobs: [job('a', 'install', 'complete')] });
    expect(same.writes).toEqual([]);
    expect(same.report).toMatchObject({ selected: 1, provisioned: 1, current: 1 });
  });

  it('recreates a pending node’s lost Job, and replaces a running Job of an older revision', () => {
    const lost = plan({
      spec: spec({ rolloutStrategy: { type: 'rolling', rolling: { maxUpdate: 1 } } }),
      nodes: [node('a', 'pending'), node('b')],
    });
    expect(summary(lost.writes)).toEqual(['create a install#1']);
    expect(lost.report.waiting).toEqual(['b']);

    const stale = plan({
      nodes: [node('a', 'pending')],
      jobs: [job('a', 'install', 'running', { revision: 'older' })],
    });
    expect(summary(stale.writes)).toEqual(['delete a-spin-v2-install', 'create a install#1']);
  });

  it('uninstalls a node that is no longer selected, and forgets it once its uninstall Job completes', () => {
    const deselected = { ...node('a', 'provisioned'), labels: { 'spin-v2': 'provisioned' } };
    const start = plan({ nodes: [deselected], jobs: [job('a', 'install', 'complete')] });
    expect(summary(start.writes)).toEqual([
      'delete a-spin-v2-install',
      'label a=uninstall',
      'create a uninstall#1',
    ]);
    expect(start.report).toMatchObject({ selected: 0, uninstalling: ['a'], labelled: 1 });

    const done = plan({
      nodes: [{ ...deselected, labels: { 'spin-v2': 'uninstall' } }],
      jobs: [job('a', 'uninstall', 'complete')],
    });
    expect(summary(done.writes)).toEqual(['label a=null', 'delete a-spin-v2-uninstall']);
    expect(done.writes[0]).toMatchObject({ revision: null, event: { reason: 'Uninstalled' } });
    expect(done.report.labelled).toBe(0);
  });

  it('on deletion, uninstalls every labelled node (stopping installs first) and retries failed uninstalls', () => {
    const deleting = plan({
      deleting: true,
      nodes: [node('a', 'provisioned'), node('b', 'pending'), node('c'), node('d', 'failed')],
      jobs: [job('b', 'install', 'running'), job('d', 'uninstall', 'failed')],
    });
    expect(summary(deleting.writes)).toEqual([
      'label a=uninstall',
      'create a uninstall#1',
      'delete b-spin-v2-install',
    ]);
    expect(deleting.report).toMatchObject({ labelled: 3, selected: 0, uninstalling: ['a', 'b'] });
    expect(deleting.requeueAfterMs).toBe(retryDelayMs(1));

    const later = plan({
      deleting: true,
      now: NOW + retryDelayMs(1),
      nodes: [node('d', 'failed')],
      jobs: [job('d', 'uninstall', 'failed')],
    });
    expect(summary(later.writes)).toEqual([
      'delete d-spin-v2-uninstall',
      'label d=uninstall',
      'create d uninstall#2',
    ]);
  });

  it('leaves a node without a download for its platform alone and reports it', () => {
    const result = plan({ nodes: [node('arm', undefined, { architecture: 'arm64' }), node('x86')] });
    expect(summary(result.writes)).toEqual(['label x86=pending', 'create x86 install#1']);
    expect(result.report.noPlatform).toEqual([
      { node: 'arm', message: 'no download for linux/arm64 in spec.fetchStrategy' },
    ]);
  });

  it('starts over at attempt 1 when the spec changed after a failure', () => {
    const result = plan({
      nodes: [node('a', 'failed')],
      jobs: [job('a', 'install', 'failed', { revision: 'older', attempt: 4 })],
    });
    expect(summary(result.writes)).toEqual([
      'delete a-spin-v2-install',
      'label a=pending',
      'create a install#1',
    ]);
    expect(result.report.failed).toEqual([]);
  });
});
