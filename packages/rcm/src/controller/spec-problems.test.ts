import { describe, expect, it } from 'vitest';
import { specProblems, type SpecifiedShim } from './spec-problems.js';

const shim = (name: string, spec: Partial<SpecifiedShim['spec']> = {}): SpecifiedShim => ({
  metadata: { name },
  spec: {
    fetchStrategy: { anonHttp: { location: 'https://x.test/a.tar.gz' } },
    runtimeClass: { name: 'wasmtime-spin-v2', handler: name },
    rolloutStrategy: { type: 'recreate' },
    ...spec,
  },
});

describe('specProblems', () => {
  it('accepts upstream samples', () => {
    expect(specProblems(shim('spin-v2'))).toEqual([]);
  });

  it('names each field that cannot work', () => {
    expect(
      specProblems(
        shim('spin-v2', {
          runtimeClass: { name: 'x', handler: 'spin' },
          fetchStrategy: {},
          rolloutStrategy: { type: 'rolling', rolling: { maxUpdate: 0 } },
        }),
      ),
    ).toEqual([
      'spec.runtimeClass.handler: "spin" must equal metadata.name "spin-v2": nodes register the runtime under the Shim\'s name',
      'spec.fetchStrategy: neither platforms nor anonHttp is set, so there is nothing to download',
      'spec.rolloutStrategy.rolling.maxUpdate: 0 must be at least 1',
    ]);
    expect(specProblems(shim('s'.repeat(64)))[0]).toMatch(/^metadata\.name: .* longer than 63 characters/);
  });
});
