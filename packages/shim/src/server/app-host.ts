/**
 * What running apps takes, shared by every app task of the server: the worker pool (booted at once), the
 * containerd gRPC channel (connected at once) and the layer and component cache. The server loads this
 * module only after its socket listens, so `start` returns before the runtime has been loaded.
 */
import { join } from 'node:path';
import { DEFAULT_REQUEST_TIMEOUT_MS, WorkerPool } from '@spinkube/runtime';
import { SpinAppProcess } from '../app/spin-app-process.js';
import { ContainerdClient } from '../content/containerd-client.js';
import type { TaskProcess } from '../task/task.js';
import type { AppTaskInput } from '../task/task-service.js';
import { shimDataDir, workerPoolSize } from './shim-settings.js';

export interface AppHost {
  process(input: AppTaskInput): TaskProcess;
  close(): Promise<void>;
}

export function createAppHost(options: {
  readonly containerdAddress: string;
  readonly log: (input: AppTaskInput, message: string) => void;
}): AppHost {
  const containerd = new ContainerdClient(options.containerdAddress);
  containerd.connect();
  const pool = new WorkerPool({ ...workerPoolSize(), requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS });
  pool.boot();
  const cacheDir = join(shimDataDir(), 'cache');
  return {
    process: (input) =>
      new SpinAppProcess({
        ...input,
        containerd,
        pool,
        cacheDir,
        log: (message) => {
          options.log(input, message);
        },
      }),
    close: async () => {
      await pool.close();
      containerd.close();
    },
  };
}
