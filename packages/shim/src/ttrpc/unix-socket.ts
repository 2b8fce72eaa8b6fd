/**
 * Unix socket plumbing for ttrpc: binding a server the way containerd's shims do (socket file 0600, a
 * stale file from a dead process replaced, a live one left alone) and connecting with a timeout.
 * A path starting with NUL names a Linux abstract socket (no file); `unix://` prefixes are accepted
 * because containerd writes addresses in that form.
 */
import { chmod, lstat, mkdir, unlink } from 'node:fs/promises';
import { createConnection, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { StatusCode, TtrpcError } from './status.js';

export function socketPathOf(address: string): string {
  return address.startsWith('unix://') ? address.slice('unix://'.length) : address;
}

function isAbstract(path: string): boolean {
  return path.startsWith('\0');
}

/** Abstract names printed as `ss` prints them. */
export function displaySocketPath(path: string): string {
  return isAbstract(path) ? `@${path.slice(1).replaceAll('\0', '')}` : path;
}

/** Rejects with an error whose `code` is 'EADDRINUSE' when a server already listens at `path`. */
export async function listenOnUnixSocket(server: Server, address: string): Promise<void> {
  const path = socketPathOf(address);
  if (isAbstract(path)) {
    await listenOnce(server, path);
    return;
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  try {
    await listenOnce(server, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    await removeStaleSocket(path);
    await listenOnce(server, path);
  }
  // Only the owner (root: containerd) may connect, as containerd's own shims do.
  await chmod(path, 0o600);
}

function listenOnce(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      reject(error);
    };
    server.once('error', onError);
    server.listen(path, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Removes `path` when it is a socket nobody listens on; otherwise throws EADDRINUSE. */
async function removeStaleSocket(path: string): Promise<void> {
  const stats = await lstat(path).catch(() => undefined);
  if (stats && !stats.isSocket()) {
    throw addressInUse(path, 'exists and is not a socket');
  }
  if (stats && (await isListening(path))) {
    throw addressInUse(path, 'has a server listening');
  }
  await unlink(path).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  });
}

function isListening(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createConnection({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    // ECONNREFUSED (nobody listens) and ENOENT (already gone) both mean stale.
    probe.once('error', () => {
      resolve(false);
    });
  });
}

function addressInUse(path: string, why: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ttrpc: cannot listen on ${path}: it ${why}`), {
    code: 'EADDRINUSE',
    path,
  });
}

/**
 * Connects to a ttrpc server; rejects with UNAVAILABLE (the system error as `cause`) or, after
 * `timeoutMs`, DEADLINE_EXCEEDED.
 */
export function connectUnixSocket(address: string, timeoutMs?: number): Promise<Socket> {
  const path = socketPathOf(address);
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path });
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            socket.destroy();
            reject(
              new TtrpcError(
                StatusCode.DEADLINE_EXCEEDED,
                `ttrpc: connecting to ${displaySocketPath(path)} took longer than ${timeoutMs} ms`,
              ),
            );
          }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(
        new TtrpcError(
          StatusCode.UNAVAILABLE,
          `ttrpc: cannot connect to ${displaySocketPath(path)}: ${error.message}`,
          [],
          { cause: error },
        ),
      );
    });
  });
}
