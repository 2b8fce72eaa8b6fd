import { describe, expect, it } from 'vitest';
import { OCI_LAYER_TAR, OCI_LAYER_TAR_GZIP, sha256Digest } from '@spinkube/oci';
import { readTar } from '../test/read-tar.js';
import { imageLayer } from './layer.js';
import type { TarEntry } from './tar-entry.js';

const entries: TarEntry[] = [
  { type: 'file', path: 'bin/app', bytes: Buffer.from('#!/bin/sh\n'), mode: 0o755 },
  { type: 'symlink', path: 'usr/bin/app', target: '/bin/app' },
  { type: 'file', path: 'etc/app.conf', bytes: Buffer.from('x=1\n'), uid: 65532, gid: 65532 },
];

describe('imageLayer', () => {
  it('gives the same bytes for the same entries in any order', async () => {
    const a = await imageLayer(entries);
    const b = await imageLayer([...entries].reverse());
    expect(b.blob.descriptor.digest).toBe(a.blob.descriptor.digest);
    expect(b.diffId).toBe(a.diffId);
    expect(a.blob.descriptor.mediaType).toBe(OCI_LAYER_TAR_GZIP);
  });

  it('writes fixed times, numeric owners, modes and link targets', async () => {
    const read = await readTar((await imageLayer(entries)).blob.bytes);
    expect(read.map(({ header }) => [header.name, header.type, header.mode, header.uid, header.gid])).toEqual(
      [
        ['bin/', 'directory', 0o755, 0, 0],
        ['bin/app', 'file', 0o755, 0, 0],
        ['etc/', 'directory', 0o755, 0, 0],
        ['etc/app.conf', 'file', 0o644, 65532, 65532],
        ['usr/', 'directory', 0o755, 0, 0],
        ['usr/bin/', 'directory', 0o755, 0, 0],
        ['usr/bin/app', 'symlink', 0o777, 0, 0],
      ],
    );
    expect(read.every(({ header }) => header.mtime.getTime() === 0 && !header.uname && !header.gname)).toBe(
      true,
    );
    expect(read.find(({ header }) => header.name === 'usr/bin/app')?.header.linkname).toBe('/bin/app');
    expect(read.find(({ header }) => header.name === 'bin/app')?.body.toString()).toBe('#!/bin/sh\n');
  });

  it('has the uncompressed tar digest as diff id, which is the digest itself without compression', async () => {
    const plain = await imageLayer(entries, { compress: false });
    const gzipped = await imageLayer(entries);
    expect(plain.blob.descriptor.mediaType).toBe(OCI_LAYER_TAR);
    expect(plain.diffId).toBe(sha256Digest(plain.blob.bytes));
    expect(gzipped.diffId).toBe(plain.diffId);
    expect(gzipped.blob.descriptor.digest).not.toBe(plain.blob.descriptor.digest);
  });

  it('changes when a time is given', async () => {
    const later = await imageLayer(entries, { mtime: new Date('2026-12-01T00:00:00Z') });
    expect(later.diffId).not.toBe((await imageLayer(entries)).diffId);
    expect((await readTar(later.blob.bytes))[0]?.header.mtime.toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });
});
