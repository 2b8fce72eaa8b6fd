/**
 * A restart that was due but did not finish (containerd did not come back, systemctl failed): marked by the
 * file `<rcm>/restart-pending` before the restart and removed after it. The Job's retry finds the files
 * already changed, so without the mark it would report success with containerd still on the old config.
 */
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from './atomic-file.js';

export const RESTART_PENDING = 'restart-pending';

export class RestartMark {
  private readonly file: string;
  private readonly dir: string;

  /** `rcmPath` is a host path, under `hostRoot`. */
  constructor(hostRoot: string, rcmPath: string) {
    this.dir = join(hostRoot, rcmPath);
    this.file = join(this.dir, RESTART_PENDING);
  }

  get pending(): boolean {
    return existsSync(this.file);
  }

  /** The config file whose restart is due (host path). */
  get configPath(): string | undefined {
    try {
      return readFileSync(this.file, 'utf8').trim() || undefined;
    } catch {
      return undefined;
    }
  }

  set(configPath: string): void {
    writeFileAtomically(this.file, `${configPath}\n`, 0o644);
  }

  /** Removes the mark, and `<rcm>` when the mark was all it held (after an uninstall). */
  clear(): void {
    rmSync(this.file, { force: true });
    try {
      if (readdirSync(this.dir).length === 0) rmdirSync(this.dir);
    } catch {
      // Gone already.
    }
  }
}
