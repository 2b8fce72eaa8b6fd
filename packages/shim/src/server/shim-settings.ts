/** Node-level settings the server reads from its environment (containerd's, passed on to the shim). */
import { availableParallelism } from 'node:os';

/** Where the shim keeps its cache of layers and compiled components (and the executable's extracted files). */
export const DATA_DIR_ENV = 'SPINKUBE_SHIM_DATA_DIR';
export const DEFAULT_DATA_DIR = '/var/lib/containerd-shim-spin-v2';
/** Worker threads shared by every app on the node (default 2; more start while all wait on I/O). */
export const WORKERS_ENV = 'SPINKUBE_SHIM_WORKERS';

export function shimDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[DATA_DIR_ENV] || DEFAULT_DATA_DIR;
}

export function workerPoolSize(env: NodeJS.ProcessEnv = process.env): { size: number; maxSize: number } {
  const configured = Number(env[WORKERS_ENV]);
  const size = Number.isInteger(configured) && configured > 0 ? configured : 2;
  return { size, maxSize: Math.max(size, availableParallelism() * 4) };
}
