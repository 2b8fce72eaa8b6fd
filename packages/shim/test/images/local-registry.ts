/**
 * A private OCI registry (Debian's `docker-registry`, distribution 2.8) on 127.0.0.1 with its own config
 * and storage, for tests that pull images the way a node does. The packaged config listens on every
 * interface with auth, so it is never used.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { childEnv } from '../containerd/child-env.ts';
import { isAlive, stopProcess } from '../containerd/process-lifecycle.ts';
import { freePort } from './free-port.ts';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface LocalRegistry {
  /** `127.0.0.1:<port>`: the registry part of an image reference. */
  readonly address: string;
  readonly pid: number;
  /** Stops it by PID and removes its dir. */
  stop(): Promise<void>;
}

/**
 * Starts a registry whose config, storage and log live in `dir` (created). Put `dir` inside a harness
 * containerd's `dir`, and a registry a crashed run left is cleaned with that instance.
 */
export async function startLocalRegistry(dir: string): Promise<LocalRegistry> {
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const address = `127.0.0.1:${String(await freePort())}`;
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${JSON.stringify(join(dir, 'storage'))}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${address}`,
      '',
    ].join('\n'),
  );
  const log = join(dir, 'registry.log');
  const fd = openSync(log, 'a');
  const child = spawn(REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', fd, fd], env: childEnv() });
  closeSync(fd);
  child.once('error', () => undefined);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${REGISTRY_BINARY} did not start`);
  const stop = async (): Promise<void> => {
    await stopProcess(pid, 5_000);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  while (!(await answers(address))) {
    if (!isAlive(pid) || Date.now() > deadline) {
      const output = readFileSync(log, 'utf8');
      await stop();
      throw new Error(`docker-registry on ${address} did not come up; its log:\n${output}`);
    }
    await sleep(50);
  }
  return { address, pid, stop };
}

async function answers(address: string): Promise<boolean> {
  try {
    const response = await fetch(`http://${address}/v2/`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}
