import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { AppliedChildren } from './applied-children.js';

const deployment = (replicas: number): KubernetesObject & { spec: { replicas: number } } => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'app', namespace: 'ns', labels: { a: '1' } },
  spec: { replicas },
});
const live = (generation: number, labels = { a: '1' }) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'app', namespace: 'ns', uid: 'u1', generation, resourceVersion: '7', labels },
});

describe('AppliedChildren', () => {
  it('skips only the same object over an unchanged child', () => {
    const memo = new AppliedChildren();
    const desired = deployment(1);
    const print = memo.fingerprint(desired);
    expect(memo.unchanged(desired, print, live(1))).toBe(false); // nothing applied yet
    memo.remember(desired, print, live(1));
    expect(memo.unchanged(desired, print, live(1))).toBe(true);
    // Status updates change the resourceVersion but not the generation: still unchanged.
    expect(
      memo.unchanged(desired, print, { ...live(1), metadata: { ...live(1).metadata, resourceVersion: '9' } }),
    ).toBe(true);
  });

  it('applies again after any change on either side', () => {
    const memo = new AppliedChildren();
    const desired = deployment(1);
    const print = memo.fingerprint(desired);
    memo.remember(desired, print, live(1));
    const changed = deployment(2);
    expect(memo.unchanged(changed, memo.fingerprint(changed), live(1))).toBe(false); // new render
    expect(memo.unchanged(desired, print, live(2))).toBe(false); // someone scaled it
    expect(memo.unchanged(desired, print, live(1, { a: '2' }))).toBe(false); // someone relabelled it
    expect(memo.unchanged(desired, print, live(1, {} as { a: string }))).toBe(false); // or removed our label
    expect(memo.unchanged(desired, print, { ...live(1), metadata: { ...live(1).metadata, uid: 'u2' } })).toBe(
      false,
    );
    expect(memo.unchanged(desired, print, undefined)).toBe(false); // deleted
    memo.forgetApp('ns', 'app');
    expect(memo.unchanged(desired, print, live(1))).toBe(false);
  });

  it('ignores labels and annotations others add', () => {
    const memo = new AppliedChildren();
    const desired = deployment(1);
    const print = memo.fingerprint(desired);
    memo.remember(desired, print, live(1));
    const revised = live(1, { a: '1', extra: 'x' } as { a: string });
    expect(
      memo.unchanged(desired, print, {
        ...revised,
        metadata: { ...revised.metadata, annotations: { 'deployment.kubernetes.io/revision': '1' } },
      }),
    ).toBe(true);
  });

  it('uses the resourceVersion for objects without a generation', () => {
    const memo = new AppliedChildren();
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'app', namespace: 'ns' } };
    const result = { ...service, metadata: { ...service.metadata, uid: 's', resourceVersion: '3' } };
    const print = memo.fingerprint(service);
    memo.remember(service, print, result);
    expect(memo.unchanged(service, print, result)).toBe(true);
    expect(
      memo.unchanged(service, print, { ...result, metadata: { ...result.metadata, resourceVersion: '4' } }),
    ).toBe(false);
  });
});
