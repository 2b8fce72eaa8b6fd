import { describe, expect, it } from 'vitest';
import { ownedBy, renderRuntimeClass, runtimeClassUpToDate } from './runtime-class.js';
import type { SpecifiedShim } from './spec-problems.js';

const shim: SpecifiedShim = {
  apiVersion: 'runtime.spinkube.dev/v1alpha1',
  kind: 'Shim',
  metadata: { name: 'spin-v2', uid: 'shim-uid' },
  spec: {
    nodeSelector: { spin: 'true' },
    fetchStrategy: { anonHttp: { location: 'https://x.test/a.tar.gz' } },
    runtimeClass: { name: 'wasmtime-spin-v2', handler: 'spin-v2' },
    rolloutStrategy: { type: 'recreate' },
  },
};

describe('renderRuntimeClass', () => {
  it("has upstream's shape, scheduling also on the provisioned label", () => {
    expect(renderRuntimeClass(shim)).toEqual({
      apiVersion: 'node.k8s.io/v1',
      kind: 'RuntimeClass',
      metadata: {
        name: 'wasmtime-spin-v2',
        labels: { 'wasmtime-spin-v2': 'true' },
        ownerReferences: [
          {
            apiVersion: 'runtime.spinkube.dev/v1alpha1',
            kind: 'Shim',
            name: 'spin-v2',
            uid: 'shim-uid',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      handler: 'spin-v2',
      scheduling: { nodeSelector: { spin: 'true', 'spin-v2': 'provisioned' } },
    });
  });

  it('tells an owned, up-to-date RuntimeClass from one to update', () => {
    const desired = renderRuntimeClass(shim);
    expect(ownedBy(desired, 'shim-uid')).toBe(true);
    expect(ownedBy(desired, 'another-uid')).toBe(false);
    const relabelled = renderRuntimeClass(shim);
    relabelled.metadata = { name: 'wasmtime-spin-v2', labels: { 'wasmtime-spin-v2': 'true', extra: 'x' } };
    expect(runtimeClassUpToDate(relabelled, desired)).toBe(true);
    const moved = renderRuntimeClass({
      metadata: { name: 'spin-v2', uid: 'shim-uid' },
      spec: {
        nodeSelector: { pool: 'wasm' },
        fetchStrategy: { anonHttp: { location: 'https://x.test/a.tar.gz' } },
        runtimeClass: { name: 'wasmtime-spin-v2', handler: 'spin-v2' },
        rolloutStrategy: { type: 'recreate' },
      },
    });
    expect(runtimeClassUpToDate(desired, moved)).toBe(false);
  });
});
