/** The `redis` key-value backend, in the main thread, shared by every worker. */
import { createClient, RESP_TYPES } from '@redis/client';
import { sameBytes, StoreError } from './key-value-store.js';
import type { SharedKeyValueStore } from './shared-stores.js';

/** Redis through node-redis; the connection is made on first use and re-made by the client after drops. */
export function redisStore(url: string): { store: SharedKeyValueStore; close(): Promise<void> } {
  // Commands fail at once while disconnected (no offline queue): a guest must not wait on a dead Redis.
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(retries * 100, 2000) },
  });
  let lastError = '';
  client.on('error', (error: Error) => {
    lastError = error.message;
  });
  let connecting: Promise<unknown> | undefined;
  const ready = async () => {
    if (client.isReady) return client;
    connecting ??= client.connect().catch((error: unknown) => {
      connecting = undefined;
      throw error;
    });
    await withTimeout(
      connecting,
      `cannot reach redis at ${redacted(url)}${lastError ? `: ${lastError}` : ''}`,
    );
    return client;
  };
  const run = async <T>(work: (c: typeof client) => Promise<T>): Promise<T> => {
    try {
      return await work(await ready());
    } catch (error) {
      throw new StoreError(error instanceof Error ? error.message : String(error));
    }
  };
  const bytes = (value: unknown): Uint8Array | undefined =>
    value === null || value === undefined ? undefined : new Uint8Array(value as Buffer);
  return {
    store: {
      get: (key) =>
        run(async (c) => bytes(await c.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).get(key))),
      set: (key, value) =>
        run(async (c) => {
          await c.set(key, Buffer.from(value));
        }),
      delete: (key) =>
        run(async (c) => {
          await c.del(key);
        }),
      exists: (key) => run(async (c) => (await c.exists(key)) > 0),
      keys: () => run(async (c) => (await c.keys('*')).sort()),
      increment: (key, delta) => run(async (c) => BigInt(await c.incrBy(key, Number(delta)))),
      compareAndSwap: (key, expected, value) =>
        run(async (c) => {
          // WATCH makes the EXEC fail if another client changed the key in between.
          const isolated = await c.duplicate().connect();
          try {
            await isolated.watch(key);
            const current = bytes(
              await isolated.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).get(key),
            );
            if (!sameBytes(current, expected)) return false;
            const result = await isolated.multi().set(key, Buffer.from(value)).exec();
            return result.length > 0;
          } finally {
            isolated.destroy();
          }
        }),
    },
    close: () => {
      if (client.isOpen) client.destroy();
      return Promise.resolve();
    },
  };
}

function withTimeout<T>(promise: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(message));
      }, 2000);
    }),
  ]).finally(() => {
    clearTimeout(timer);
  });
}

/** A redis URL without its password, for messages. */
function redacted(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
