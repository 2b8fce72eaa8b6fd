import { describe, expect, it } from 'vitest';
import type { SpinApp } from '../types/spinapp.js';
import { applySpinAppDefaults, defaultExecutorName } from './defaulting.js';

describe('default executor (upstream: first name in byte order across all namespaces)', () => {
  it('picks the name that sorts first', () => {
    expect(defaultExecutorName(['cyclotron', 'spintainer', 'containerd-shim-spin'])).toBe(
      'containerd-shim-spin',
    );
  });

  it('sorts by bytes, so upper case comes before lower case', () => {
    expect(defaultExecutorName(['alpha', 'Zulu'])).toBe('Zulu');
  });

  it('has no default when there are no executors', () => {
    expect(defaultExecutorName([])).toBeUndefined();
  });

  it('fills only an empty spec.executor, without modifying the input', () => {
    const app: SpinApp = { metadata: { name: 'a' }, spec: { executor: '', image: 'img' } };
    expect(applySpinAppDefaults(app, ['spintainer'])).toEqual({
      ...app,
      spec: { executor: 'spintainer', image: 'img' },
    });
    expect(app.spec?.executor).toBe('');
    const named: SpinApp = { spec: { executor: 'mine', image: 'img' } };
    expect(applySpinAppDefaults(named, ['a'])).toBe(named);
    expect(applySpinAppDefaults(app, [])).toBe(app);
  });
});
