/**
 * The shim as containerd finds it in the tests: `containerd-shim-spin-v2` in a directory put first on
 * containerd's PATH, running the built `dist/main.js` with the Node that runs the tests (and the node
 * flags of the binary's shebang).
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listProcesses } from '../containerd/process-table.ts';

export const SHIM_MAIN = join(import.meta.dirname, '..', '..', 'dist', 'main.js');

export async function shimDir(dir: string): Promise<string> {
  if (!existsSync(SHIM_MAIN))
    throw new Error(`${SHIM_MAIN} is missing: build the shim (npx nx run shim:build)`);
  await mkdir(dir, { recursive: true });
  const wrapper = join(dir, 'containerd-shim-spin-v2');
  await writeFile(
    wrapper,
    `#!/bin/sh\nMALLOC_ARENA_MAX=2 exec ${process.execPath} --max-semi-space-size=1 --optimize-for-size ${SHIM_MAIN} "$@"\n`,
  );
  await chmod(wrapper, 0o755);
  return dir;
}

/**
 * The shim's live processes for one containerd, however the shim is run (dist or executable): every action
 * is given `-address <containerd socket>`; only the servers also get `-socket`.
 */
export function shimProcesses(containerdAddress: string, { serversOnly = false } = {}): number[] {
  return listProcesses()
    .filter((p) => {
      const at = p.args.indexOf('-address');
      return (
        !p.zombie &&
        at !== -1 &&
        p.args[at + 1] === containerdAddress &&
        (!serversOnly || p.args.includes('-socket'))
      );
    })
    .map((p) => p.pid);
}
