import { describe, expect, it } from 'vitest';
import { isAtLeast, parseGoVersion } from './go-version.js';

describe('Go versions', () => {
  it('parses what `go env GOVERSION` prints and what go.mod says', () => {
    expect(parseGoVersion('go1.26.8')).toEqual({ major: 1, minor: 26, patch: 8 });
    expect(parseGoVersion('1.26')).toEqual({ major: 1, minor: 26, patch: 0 });
    expect(parseGoVersion('go1.27rc1')).toEqual({ major: 1, minor: 27, patch: -1 });
    expect(parseGoVersion('devel +abc')).toBeUndefined();
  });

  it('compares numerically, a pre-release before its release', () => {
    const min = parseGoVersion('1.26')!;
    expect(isAtLeast(parseGoVersion('go1.26.0')!, min)).toBe(true);
    expect(isAtLeast(parseGoVersion('go1.100.1')!, min)).toBe(true);
    expect(isAtLeast(parseGoVersion('go1.9.9')!, min)).toBe(false);
    expect(isAtLeast(parseGoVersion('go1.19.8')!, min)).toBe(false);
    expect(isAtLeast(parseGoVersion('go1.26rc2')!, min)).toBe(false);
  });
});
