import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { directoryEntries } from './directory-entries.js';

let dir = '';
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('directoryEntries', () => {
  it('reads files with their modes, directories and symlinks under the destination, owned as asked', async () => {
    dir = await mkdtemp(join(tmpdir(), 'image-builder-dir-'));
    await mkdir(join(dir, 'bin'));
    await writeFile(join(dir, 'bin', 'tool'), 'tool');
    await chmod(join(dir, 'bin', 'tool'), 0o750);
    await symlink('bin/tool', join(dir, 'tool'));
    const entries = await directoryEntries(dir, { to: '/opt/app', uid: 1000, gid: 1001 });
    expect(entries).toEqual([
      { type: 'directory', path: 'opt/app/bin', mode: 0o755, uid: 1000, gid: 1001 },
      {
        type: 'file',
        path: 'opt/app/bin/tool',
        bytes: Buffer.from('tool'),
        mode: 0o750,
        uid: 1000,
        gid: 1001,
      },
      { type: 'symlink', path: 'opt/app/tool', target: 'bin/tool', uid: 1000, gid: 1001 },
    ]);
  });
});
