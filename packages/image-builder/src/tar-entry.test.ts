import { describe, expect, it } from 'vitest';
import { normalizeEntries, type TarEntry } from './tar-entry.js';

const file = (path: string): TarEntry => ({ type: 'file', path, bytes: Buffer.from(path) });

describe('normalizeEntries', () => {
  it('sorts by path, drops leading slashes and adds every missing parent directory once', () => {
    const entries = normalizeEntries([file('/usr/bin/b'), file('etc/passwd'), file('usr/bin/a')]);
    expect(entries.map((entry) => `${entry.type}:${entry.path}`)).toEqual([
      'directory:etc',
      'file:etc/passwd',
      'directory:usr',
      'directory:usr/bin',
      'file:usr/bin/a',
      'file:usr/bin/b',
    ]);
  });

  it('keeps a directory given with its own mode instead of adding a default one', () => {
    const entries = normalizeEntries([file('tmp/x'), { type: 'directory', path: 'tmp', mode: 0o1777 }]);
    expect(entries[0]).toEqual({ type: 'directory', path: 'tmp', mode: 0o1777 });
  });

  it.each(['../etc/passwd', 'a/../../b', 'a//b', './a', '/', ''])(
    'refuses the path "%s", naming it',
    (path) => {
      expect(() => normalizeEntries([file(path)])).toThrow(`layer entry "${path}": not a clean path`);
    },
  );

  it('refuses a path given twice and a file used as a directory', () => {
    expect(() => normalizeEntries([file('a'), file('/a')])).toThrow('layer entry "a" is given twice');
    expect(() => normalizeEntries([file('a'), file('a/b')])).toThrow(
      'layer entry "a/b" is inside "a", which is a file',
    );
  });
});
