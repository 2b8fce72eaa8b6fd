import type { V1Node } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { relevantNodeChange, selectsNode, trimNode } from './node-facts.js';

function node(
  overrides: {
    resourceVersion?: string;
    labels?: Record<string, string>;
    taints?: boolean;
    heartbeat?: number;
  } = {},
): V1Node {
  return {
    metadata: {
      name: 'n1',
      resourceVersion: overrides.resourceVersion ?? '1',
      labels: overrides.labels ?? { spin: 'true' },
    },
    spec: {
      ...(overrides.taints === false ? {} : { taints: [{ key: 'k', effect: 'NoSchedule' }] }),
      podCIDR: '10.0.0.0/24',
    },
    status: {
      nodeInfo: { architecture: 'amd64', operatingSystem: 'linux' } as never,
      conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: new Date(overrides.heartbeat ?? 1) }],
      images: [{ names: ['a'], sizeBytes: 1 }],
    },
  };
}

describe('node facts', () => {
  it('keeps only what a rollout reads', () => {
    const trimmed = trimNode(node());
    expect(trimmed.status?.conditions).toBeUndefined();
    expect(trimmed.status?.images).toBeUndefined();
    expect(trimmed.spec).toEqual({ taints: [{ key: 'k', effect: 'NoSchedule' }] });
    expect(trimmed.metadata?.labels).toEqual({ spin: 'true' });
  });

  it('ignores heartbeats, not label, taint or platform changes', () => {
    expect(relevantNodeChange(node({ resourceVersion: '2', heartbeat: 2 }), node())).toBe(false);
    expect(relevantNodeChange(node({ labels: { spin: 'false' } }), node())).toBe(true);
    expect(relevantNodeChange(node({ taints: false }), node())).toBe(true);
    expect(relevantNodeChange(node(), undefined)).toBe(true);
  });

  it('selects as MatchingLabels does: every pair, and all nodes without a selector', () => {
    expect(selectsNode({ spin: 'true' }, { spin: 'true', other: 'x' })).toBe(true);
    expect(selectsNode({ spin: 'true', pool: 'a' }, { spin: 'true' })).toBe(false);
    expect(selectsNode(undefined, {})).toBe(true);
  });
});
