/**
 * Mounts the container's root filesystem (the snapshot mounts containerd passes to Create) at the bundle's
 * `rootfs/`, and takes it down again on Delete. Node cannot call mount(2), so util-linux's mount(8) and
 * umount(8) do it; both are on every Kubernetes node.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { ShimError } from '../errors.js';

const run = promisify(execFile);

export interface RootfsMount {
  readonly type: string;
  readonly source: string;
  readonly options: readonly string[];
}

export async function mountRootfs(mounts: readonly RootfsMount[], target: string): Promise<void> {
  let mounted = false;
  for (const mount of mounts) {
    const bind =
      mount.type === 'bind' || mount.options.some((option) => option === 'bind' || option === 'rbind');
    const args = ['-t', bind ? 'none' : mount.type || 'none'];
    if (mount.options.length > 0) args.push('-o', mount.options.join(','));
    args.push(mount.source, target);
    try {
      await run('mount', args);
      mounted = true;
    } catch (error) {
      // Nothing stays half-mounted: what went up before the failure comes down again.
      if (mounted) await unmountAll(target).catch(() => undefined);
      throw new ShimError(
        'Internal',
        `mounting the root filesystem (${mount.type} from ${mount.source}) at ${target} failed: ${stderrOf(error)}`,
      );
    }
  }
}

/** Unmounts everything mounted at or below `target`, deepest first. A target with no mounts is fine. */
export async function unmountAll(target: string): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const mounted = (await mountPoints()).filter(
      (point) => point === target || point.startsWith(`${target}/`),
    );
    if (mounted.length === 0) return;
    const deepest = mounted.sort((a, b) => b.length - a.length)[0] ?? target;
    try {
      await run('umount', [deepest]);
    } catch (error) {
      if (attempt === 9) throw new ShimError('Internal', `unmounting ${deepest} failed: ${stderrOf(error)}`);
      // Busy: lazily detach, so the bundle can still be removed.
      await run('umount', ['-l', deepest]).catch(() => undefined);
    }
  }
}

export async function mountPoints(): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => unescapeMountPath(line.split(' ')[4] ?? ''));
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

function stderrOf(error: unknown): string {
  const stderr = (error as { stderr?: unknown }).stderr;
  return typeof stderr === 'string' && stderr.trim() !== '' ? stderr.trim() : String(error);
}
