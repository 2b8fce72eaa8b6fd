import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureMountPoint, releaseMountPoints } from './host-mount-points.js';

describe('mount points made on the host', () => {
  let dir: string;
  let markers: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mount-points-'));
    markers = join(dir, 'run', 'markers');
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates missing directories with their parents and removes them, and the markers, when released', () => {
    const target = join(dir, 'opt', 'rcm');
    ensureMountPoint(target, markers);
    expect(existsSync(target)).toBe(true);
    expect(readdirSync(markers)).toHaveLength(2);
    releaseMountPoints([target], markers);
    expect(existsSync(join(dir, 'opt'))).toBe(false);
    expect(existsSync(join(dir, 'run'))).toBe(false);
  });

  it('never removes a directory the host had', () => {
    const etc = join(dir, 'etc', 'containerd');
    mkdirSync(etc, { recursive: true });
    ensureMountPoint(etc, markers);
    releaseMountPoints([etc], markers);
    expect(existsSync(etc)).toBe(true);
  });

  it('lets any node release what another made, and keeps a directory someone wrote into', () => {
    const target = join(dir, 'opt', 'rcm');
    ensureMountPoint(target, markers);
    // A second node finds it there and records nothing.
    ensureMountPoint(target, markers);
    writeFileSync(join(target, 'rcm-lock.json'), '{}');
    releaseMountPoints([target], markers);
    expect(existsSync(join(target, 'rcm-lock.json'))).toBe(true);
    rmSync(join(target, 'rcm-lock.json'));
    // The markers stay until the directory is empty; a later release removes it.
    releaseMountPoints([target], markers);
    expect(existsSync(join(dir, 'opt'))).toBe(false);
  });
});
