import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GuestErr } from './guest-err.js';
import type { Descriptor } from './wasi-filesystem.js';
import { filesystemImports } from './wasi-filesystem.js';

const dir = mkdtempSync(join(tmpdir(), 'spinkube-fs-'));
writeFileSync(join(dir, 'a.txt'), 'alpha');
writeFileSync(join(dir, 'b.txt'), 'x'.repeat(100));

function root(): Descriptor {
  const imports = filesystemImports([
    { hostPath: join(dir, 'a.txt'), guestPath: '/a.txt' },
    { hostPath: join(dir, 'b.txt'), guestPath: '/data/nested/b.txt' },
  ]) as { 'wasi:filesystem/preopens': { getDirectories(): [Descriptor, string][] } };
  const [preopen] = imports['wasi:filesystem/preopens'].getDirectories();
  if (!preopen) throw new Error('no preopen');
  expect(preopen[1]).toBe('/');
  return preopen[0];
}

function errorOf(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    if (error instanceof GuestErr) return error.payload;
    throw error;
  }
  return 'no error';
}

const READ = { read: true };

describe('wasi:filesystem over mounted files', () => {
  it('has no preopened directory when the component mounts nothing', () => {
    const imports = filesystemImports([]) as { 'wasi:filesystem/preopens': { getDirectories(): unknown[] } };
    expect(imports['wasi:filesystem/preopens'].getDirectories()).toEqual([]);
  });

  it('opens and reads mounted files, in parts', () => {
    const file = root().openAt({}, 'a.txt', {}, READ);
    expect(file.getType()).toBe('regular-file');
    expect(Buffer.from(file.read(3n, 0n)[0]).toString()).toBe('alp');
    expect(file.read(10n, 3n)).toEqual([Buffer.from('ha'), true]);
    expect(file.read(10n, 99n)).toEqual([new Uint8Array(), true]);
    expect((file.stat() as { size: bigint }).size).toBe(5n);
  });

  it('lists directories made from the mounted paths, and resolves . and ..', () => {
    const entries = (d: Descriptor) => {
      const stream = d.readDirectory();
      const names: string[] = [];
      for (let e = stream.readDirectoryEntry(); e; e = stream.readDirectoryEntry())
        names.push(`${e.name}:${e.type}`);
      return names;
    };
    expect(entries(root())).toEqual(['a.txt:regular-file', 'data:directory']);
    const nested = root().openAt({}, 'data/./nested', { directory: true }, READ);
    expect(entries(nested)).toEqual(['b.txt:regular-file']);
    const back = nested.openAt({}, '../../a.txt', {}, READ);
    expect(Buffer.from(back.read(5n, 0n)[0]).toString()).toBe('alpha');
  });

  it('refuses writes, missing entries and paths that leave the mount', () => {
    expect(errorOf(() => root().openAt({}, 'new.txt', { create: true }, { write: true }))).toBe('read-only');
    expect(errorOf(() => root().openAt({}, 'a.txt', {}, { write: true }))).toBe('read-only');
    expect(errorOf(() => root().openAt({}, 'missing', {}, READ))).toBe('no-entry');
    expect(errorOf(() => root().openAt({}, '../etc/passwd', {}, READ))).toBe('not-permitted');
    expect(errorOf(() => root().openAt({}, '/a.txt', {}, READ))).toBe('not-permitted');
    expect(errorOf(() => root().openAt({}, 'a.txt', { directory: true }, READ))).toBe('not-directory');
    expect(errorOf(() => root().unlinkFileAt())).toBe('read-only');
    expect(errorOf(() => root().read(1n, 0n))).toBe('is-directory');
  });
});
