import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeZip } from '../../test/make-zip.js';
import { extractModuleZip } from './extract-module-zip.js';
import { goModuleZipHash } from './module-zip-hash.js';

// A module zip made for this test, and the go.sum hash Go 1.26 itself printed for it
// (`go mod download -json` from a file:// GOPROXY holding exactly these two files).
const MODULE_FILES = {
  'example.com/m@v1.0.0/m.go': 'package m\n\n// Answer is what it is.\nconst Answer = 42\n',
  'example.com/m@v1.0.0/go.mod': 'module example.com/m\n',
};
const GO_SUM = 'h1:EWL8A6khhwrIAKwXdx4L/aT+nKm9Vjcpk/XvNCbOFr0=';

let work: string | undefined;
afterEach(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('goModuleZipHash', () => {
  it('gives the hash Go records in go.sum for the same zip', async () => {
    work = mkdtempSync(join(tmpdir(), 'spinkube-zip-hash-'));
    await writeZip(join(work, 'm.zip'), MODULE_FILES);
    const entries = await extractModuleZip(join(work, 'm.zip'), join(work, 'out'), {
      prefix: 'example.com/m@v1.0.0/',
      modeOf: () => 0o644,
    });
    expect(goModuleZipHash(entries)).toBe(GO_SUM);
  });

  it('changes when one byte of one file changes', async () => {
    work = mkdtempSync(join(tmpdir(), 'spinkube-zip-hash-'));
    await writeZip(join(work, 'm.zip'), {
      ...MODULE_FILES,
      'example.com/m@v1.0.0/go.mod': 'module example.com/n\n',
    });
    const entries = await extractModuleZip(join(work, 'm.zip'), join(work, 'out'), {
      prefix: 'example.com/m@v1.0.0/',
      modeOf: () => 0o644,
    });
    expect(goModuleZipHash(entries)).not.toBe(GO_SUM);
  });
});
