import { describe, expect, it } from 'vitest';
import { GuestErr } from './guest-err.js';
import { variablesImports } from './spin-variables.js';

const imports = variablesImports({
  get: (name) => (name === 'greeting' ? 'hello' : undefined),
  all: () => [['greeting', 'hello']],
});
const { get } = imports['fermyon:spin/variables'] as { get: (name: string) => string };
const payload = (name: string): unknown => {
  try {
    get(name);
  } catch (error) {
    if (error instanceof GuestErr) return error.payload;
    throw error;
  }
  return 'no error';
};

describe('Spin variables host interface', () => {
  it('returns declared variables', () => {
    expect(get('greeting')).toBe('hello');
  });

  it('returns invalid-name and undefined errors as Spin does', () => {
    expect(payload('Greeting')).toEqual({ tag: 'invalid-name', val: 'Greeting' });
    expect(payload('missing')).toEqual({ tag: 'undefined', val: 'missing' });
  });

  it('serves wasi:config/store with options instead of errors', () => {
    const store = imports['wasi:config/store'] as {
      get(key: string): string | undefined;
      getAll(): [string, string][];
    };
    expect(store.get('missing')).toBeUndefined();
    expect(store.getAll()).toEqual([['greeting', 'hello']]);
  });
});
