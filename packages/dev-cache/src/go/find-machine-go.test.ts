import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findMachineGo } from './find-machine-go.js';

let work: string | undefined;
afterEach(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** A directory holding a `go` that answers `go env GOVERSION` with `version`. */
function goPrinting(version: string): string {
  const dir = join(work!, version);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'go'), `#!/bin/sh\n[ "$1 $2" = "env GOVERSION" ] && echo ${version}\n`);
  chmodSync(join(dir, 'go'), 0o755);
  return dir;
}

describe('findMachineGo', () => {
  it('passes over a Go older than the minimum on PATH and takes the next that is new enough', () => {
    work = mkdtempSync(join(tmpdir(), 'spinkube-find-go-'));
    const old = goPrinting('go1.19.8');
    const current = goPrinting('go1.26.8');
    const search = findMachineGo({ PATH: `${old}:${current}` });
    expect(search.found).toEqual({ go: join(current, 'go'), version: 'go1.26.8' });
    expect(search.rejected).toEqual([`${join(old, 'go')} (go1.19.8)`]);
  });
});
