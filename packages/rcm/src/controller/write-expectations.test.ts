import { describe, expect, it } from 'vitest';
import { EXPECTATION_TIMEOUT_MS, WriteExpectations, type CacheView } from './write-expectations.js';

function view(jobs: string[], labels: Record<string, string | undefined>): CacheView {
  return {
    hasJob: (uid) => jobs.includes(uid),
    nodeLabel: (node) => (node in labels ? labels[node] : null),
  };
}

describe('WriteExpectations', () => {
  it('holds a Shim until the caches show its created and deleted Jobs and its labels', () => {
    const expectations = new WriteExpectations(() => 0);
    expectations.jobDeleted('spin-v2', 'old');
    expectations.jobCreated('spin-v2', 'new');
    expectations.labelSet('spin-v2', 'n1', 'pending');
    expect(expectations.satisfied('spin-v2', view(['old'], { n1: 'failed' }))).toBe(false);
    expect(expectations.satisfied('spin-v2', view(['new'], { n1: 'failed' }))).toBe(false);
    expect(expectations.satisfied('spin-v2', view(['new'], { n1: 'pending' }))).toBe(true);
    expect(expectations.satisfied('other', view([], {}))).toBe(true);
  });

  it('counts a removed label and a node that left as shown', () => {
    const expectations = new WriteExpectations(() => 0);
    expectations.labelSet('spin-v2', 'n1', undefined);
    expectations.labelSet('spin-v2', 'gone', 'pending');
    expect(expectations.satisfied('spin-v2', view([], { n1: undefined }))).toBe(true);
  });

  it('gives up waiting after the deadline', () => {
    let now = 0;
    const expectations = new WriteExpectations(() => now);
    expectations.jobCreated('spin-v2', 'never-cached');
    expect(expectations.satisfied('spin-v2', view([], {}))).toBe(false);
    now = EXPECTATION_TIMEOUT_MS + 1;
    expect(expectations.satisfied('spin-v2', view([], {}))).toBe(true);
  });
});
