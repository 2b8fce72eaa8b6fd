/**
 * Dirs of harness instances whose test process died without stopping them (a crash, a killed run): their
 * containerd, shims, mounts and cgroups are cleaned before a new instance starts, so they neither pile up
 * nor hold resources the next run needs. A dir whose owner still lives belongs to a concurrent test file
 * and is left alone.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cleanUpHarnessDir } from './harness-dir-cleanup.ts';
import {
  HARNESS_DIR_PREFIX,
  harnessDirParent,
  harnessLayout,
  isGeneratedNamespace,
  type HarnessOwner,
} from './harness-layout.ts';
import { isAlive, stopProcess } from './process-lifecycle.ts';
import { readProcess } from './process-table.ts';

/** A dir without an owner file is one being created right now, unless it is older than this. */
const UNOWNED_GRACE_MS = 60_000;

export async function cleanUpStaleHarnessDirs(): Promise<void> {
  const parent = harnessDirParent();
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(HARNESS_DIR_PREFIX)) continue;
    const dir = join(parent, name);
    const owner = readOwner(harnessLayout(dir).owner);
    if (owner ? isRunning(owner) : !isOld(dir)) continue;
    if (owner && isOurContainerd(owner.containerdPid, dir)) await stopProcess(owner.containerdPid, 2_000);
    await cleanUpHarnessDir(
      dir,
      owner && isGeneratedNamespace(owner.namespace) ? owner.namespace : undefined,
    );
  }
}

function isRunning(owner: HarnessOwner): boolean {
  return isAlive(owner.ownerPid) && readProcess(owner.ownerPid)?.startTime === owner.ownerStartTime;
}

function readOwner(file: string): HarnessOwner | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as HarnessOwner;
  } catch {
    return undefined;
  }
}

/** The PID may have been reused since: only a containerd started with this dir's config is ours. */
function isOurContainerd(pid: number, dir: string): boolean {
  return readProcess(pid)?.args.some((arg) => arg.startsWith(dir)) ?? false;
}

function isOld(dir: string): boolean {
  try {
    return Date.now() - statSync(dir).mtimeMs > UNOWNED_GRACE_MS;
  } catch {
    return false;
  }
}
