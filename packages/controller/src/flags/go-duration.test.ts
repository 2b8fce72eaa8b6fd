import { describe, expect, it } from 'vitest';
import { parseGoDuration } from './go-duration.js';

describe('parseGoDuration', () => {
  it('reads Go durations in milliseconds', () => {
    expect(parseGoDuration('15s')).toBe(15_000);
    expect(parseGoDuration('1m30s')).toBe(90_000);
    expect(parseGoDuration('500ms')).toBe(500);
    expect(parseGoDuration('1.5h')).toBe(5_400_000);
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('-2s')).toBe(-2000);
  });

  it('refuses what Go refuses, naming the value', () => {
    for (const bad of ['', '15', '1 day', '1d', 's', '1s2']) {
      expect(() => parseGoDuration(bad)).toThrow(`invalid duration "${bad}"`);
    }
  });
});
