/**
 * Files replaced in one step: written beside the target, flushed to disk, then renamed over it. A shim
 * binary that containerd is running is never truncated (upstream's copy fails with "text file busy"), and a
 * config file is never seen half-written.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeFileAtomically(path: string, bytes: Uint8Array | string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o775 });
  const scratch = `${path}.rcm-${String(process.pid)}.tmp`;
  try {
    const fd = openSync(scratch, 'w', mode);
    try {
      writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(scratch, path);
  } finally {
    rmSync(scratch, { force: true });
  }
}
