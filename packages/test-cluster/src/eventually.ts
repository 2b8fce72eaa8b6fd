import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls every 200 ms until `check` returns a value other than undefined/false (a rejection counts as not
 * yet); fails naming `what` and the last error after `timeoutMs`. For tests that wait on a cluster.
 */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out waiting for ${what}${cause}`);
    }
    await sleep(200);
  }
}
