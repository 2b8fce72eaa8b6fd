import { describe, expect, it } from 'vitest';
import { parseLddOutput } from './shared-libraries.js';

describe('parseLddOutput', () => {
  it('lists each library and the loader by path, without the vDSO', () => {
    const output = [
      '\tlinux-vdso.so.1 (0x00007ffd5b1f2000)',
      '\tlibdl.so.2 => /lib/x86_64-linux-gnu/libdl.so.2 (0x00007f1f39e28000)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f1f3991e000)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f1f39e40000)',
      '',
    ].join('\n');
    expect(parseLddOutput(output, 'node')).toEqual([
      '/lib/x86_64-linux-gnu/libdl.so.2',
      '/lib/x86_64-linux-gnu/libc.so.6',
      '/lib64/ld-linux-x86-64.so.2',
    ]);
  });

  it('fails on a library ldd cannot find, naming it', () => {
    expect(() => parseLddOutput('\tlibmissing.so.1 => not found\n', '/bin/app')).toThrow(
      '/bin/app needs libmissing.so.1, which ldd cannot find',
    );
  });

  it('lists nothing for a static binary', () => {
    expect(parseLddOutput('\tstatically linked\n', 'app')).toEqual([]);
  });
});
