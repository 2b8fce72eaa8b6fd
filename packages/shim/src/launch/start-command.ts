/**
 * `containerd-shim-spin-v2 … start`: makes sure the node's shim server runs (reusing the live one, or
 * launching it detached), writes the bundle's `address` file and prints the ttrpc address for containerd.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ShimFlags } from './flags.js';
import { claimServer } from './claim-server.js';
import { selfCommand } from './self-command.js';
import { serverSocketPath, socketUri } from './server-socket.js';

const READY_TIMEOUT_MS = 20_000;

export async function runStart(
  flags: ShimFlags & { namespace: string; address: string; id: string },
): Promise<void> {
  const socket = serverSocketPath(flags.address);
  if ((await claimServer(socket, flags.id)) !== 'claimed') await launchServer(flags, socket);
  const address = socketUri(socket);
  await writeFile(join(process.cwd(), 'address'), address);
  process.stdout.write(address);
}

/** Starts the server in its own session and waits until it listens (or has handed over to a live one). */
async function launchServer(
  flags: ShimFlags & { namespace: string; address: string; id: string },
  socket: string,
): Promise<void> {
  const self = selfCommand();
  const args = [
    ...self.args,
    '-namespace',
    flags.namespace,
    '-id',
    flags.id,
    '-address',
    flags.address,
    ...(flags.publishBinary ? ['-publish-binary', flags.publishBinary] : []),
    '-socket',
    socketUri(socket),
    ...(flags.debug ? ['-debug'] : []),
  ];
  const child = spawn(self.file, args, {
    cwd: process.cwd(),
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new Error(`the shim server did not start listening within ${String(READY_TIMEOUT_MS / 1000)} s`),
      );
    }, READY_TIMEOUT_MS);
    child.once('message', () => {
      clearTimeout(timer);
      resolve();
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(`the shim server exited with code ${String(code)} before listening: ${stderr.trim()}`),
      );
    });
  });
  child.removeAllListeners('exit');
  child.stderr?.destroy();
  child.disconnect();
  child.unref();
}
