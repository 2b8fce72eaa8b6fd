import { describe, expect, it } from 'vitest';
import { endsApp, exitStatusForSignal } from './exit-status.js';

describe('exitStatusForSignal', () => {
  it('is 0 for the signals Spin handles and 128 + n for the rest', () => {
    expect(exitStatusForSignal(15)).toBe(0);
    expect(exitStatusForSignal(2)).toBe(0);
    expect(exitStatusForSignal(1)).toBe(0);
    expect(exitStatusForSignal(9)).toBe(137);
    expect(exitStatusForSignal(10)).toBe(138);
  });

  it('leaves the app running for signals a process ignores by default', () => {
    expect(endsApp(0)).toBe(false);
    expect(endsApp(28)).toBe(false);
    expect(endsApp(15)).toBe(true);
  });
});
