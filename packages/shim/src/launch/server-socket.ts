/**
 * Where the shim server listens. containerd's own shims hash address, namespace and pod into the path and
 * so run one server per pod; this shim runs one server per containerd (all namespaces, all pods), because
 * the apps then share one worker pool: measured, a Node process costs ~70 MB and a worker thread ~11 MB,
 * while an extra app on a shared pool costs a few MB (see the package README).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** containerd's directory for shim sockets. */
export const DEFAULT_SOCKET_DIR = '/run/containerd/s';
/** Lets tests and unusual nodes move the socket (the path must stay under ~100 bytes). */
export const SOCKET_DIR_ENV = 'SPINKUBE_SHIM_SOCKET_DIR';

const GROUP = 'spinkube-node-shim';

export function serverSocketPath(containerdAddress: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = env[SOCKET_DIR_ENV] ?? DEFAULT_SOCKET_DIR;
  const hash = createHash('sha256').update(`${containerdAddress}/${GROUP}`).digest('hex');
  return join(dir, hash);
}

/** The form containerd reads from `start`'s stdout and the bundle's `address` file. */
export function socketUri(path: string): string {
  return `unix://${path}`;
}

export function socketPathFromUri(uri: string): string {
  return uri.startsWith('unix://') ? uri.slice('unix://'.length) : uri;
}
