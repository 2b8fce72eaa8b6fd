import { describe, expect, it } from 'vitest';
import { SHUT_DOWN, WorkQueue, type QueueItem } from './queue.js';

/** Whether `promise` is still unsettled once every pending callback and I/O turn has run. */
async function isPending(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol('pending');
  const turn = new Promise((resolve) => setImmediate(() => resolve(pending)));
  return (await Promise.race([promise, turn])) === pending;
}

async function takeAll(queue: WorkQueue): Promise<QueueItem[]> {
  const taken: QueueItem[] = [];
  while (queue.length() > 0) taken.push(await queue.get());
  return taken;
}

describe('WorkQueue', () => {
  it('hands keys out in the order they were first added', async () => {
    const queue = new WorkQueue();
    for (const key of ['ns/c', 'ns/a', 'ns/b']) queue.add(key);
    expect(await takeAll(queue)).toEqual(['ns/c', 'ns/a', 'ns/b']);
  });

  it('queues a key once however often it is added before a worker takes it', async () => {
    const queue = new WorkQueue();
    queue.add('ns/a');
    queue.add('ns/b');
    queue.add('ns/a');
    queue.add('ns/a');
    expect(queue.length()).toBe(2);
    expect(await takeAll(queue)).toEqual(['ns/a', 'ns/b']);
    expect(await isPending(queue.get())).toBe(true);
  });

  it('resolves a waiting get when a key arrives, waiting getters first come first served', async () => {
    const queue = new WorkQueue();
    const first = queue.get();
    const second = queue.get();
    expect(await isPending(first)).toBe(true);
    queue.add('ns/a');
    queue.add('ns/b');
    expect(await first).toBe('ns/a');
    expect(await second).toBe('ns/b');
  });

  it('does not hand a key being processed to another worker; re-added meanwhile, it is queued at done', async () => {
    const queue = new WorkQueue();
    queue.add('ns/a');
    expect(await queue.get()).toBe('ns/a');
    queue.add('ns/a');
    queue.add('ns/a');
    expect(queue.length()).toBe(0);
    const otherWorker = queue.get();
    expect(await isPending(otherWorker)).toBe(true);
    queue.done('ns/a');
    expect(await otherWorker).toBe('ns/a');
    expect(queue.length()).toBe(0);
  });

  it('keeps a dirty key behind the keys queued before its done', async () => {
    const queue = new WorkQueue();
    queue.add('ns/a');
    await queue.get();
    queue.add('ns/a');
    queue.add('ns/b');
    queue.done('ns/a');
    expect(await takeAll(queue)).toEqual(['ns/b', 'ns/a']);
  });

  it('does not requeue a key that was not re-added while processed', async () => {
    const queue = new WorkQueue();
    queue.add('ns/a');
    await queue.get();
    queue.done('ns/a');
    expect(queue.length()).toBe(0);
    queue.done('ns/a'); // a second done of the same key changes nothing
    expect(queue.length()).toBe(0);
    queue.add('ns/a');
    expect(await queue.get()).toBe('ns/a');
  });

  it('keeps FIFO order across thousands of keys (queue compaction)', async () => {
    const queue = new WorkQueue();
    const keys = Array.from({ length: 5000 }, (_, i) => `ns/k${String(i)}`);
    for (const key of keys.slice(0, 3000)) queue.add(key);
    const taken = [];
    for (let i = 0; i < 2000; i++) taken.push(await queue.get());
    for (const key of keys.slice(3000)) queue.add(key);
    taken.push(...(await takeAll(queue)));
    expect(taken).toEqual(keys);
  });

  describe('shutDown', () => {
    it('resolves waiting gets with SHUT_DOWN and ignores later adds', async () => {
      const queue = new WorkQueue();
      const waiting = [queue.get(), queue.get()];
      queue.shutDown();
      expect(await Promise.all(waiting)).toEqual([SHUT_DOWN, SHUT_DOWN]);
      expect(queue.shuttingDown()).toBe(true);
      queue.add('ns/a');
      expect(queue.length()).toBe(0);
      expect(await queue.get()).toBe(SHUT_DOWN);
    });

    it('still hands out the keys queued before it, then SHUT_DOWN', async () => {
      const queue = new WorkQueue();
      queue.add('ns/a');
      queue.add('ns/b');
      queue.shutDown();
      expect(await queue.get()).toBe('ns/a');
      expect(await queue.get()).toBe('ns/b');
      expect(await queue.get()).toBe(SHUT_DOWN);
    });
  });

  describe('shutDownWithDrain', () => {
    it('resolves at once when nothing is being processed', async () => {
      const queue = new WorkQueue();
      queue.add('ns/a');
      await queue.shutDownWithDrain();
      expect(queue.shuttingDown()).toBe(true);
    });

    it('waits until every key handed out is done', async () => {
      const queue = new WorkQueue();
      queue.add('ns/a');
      queue.add('ns/b');
      await queue.get();
      await queue.get();
      const drained = queue.shutDownWithDrain();
      expect(await queue.get()).toBe(SHUT_DOWN);
      queue.done('ns/a');
      expect(await isPending(drained)).toBe(true);
      queue.done('ns/b');
      await expect(drained).resolves.toBeUndefined();
    });

    it('stops waiting when shutDown is called (a drain bounded by a timeout)', async () => {
      const queue = new WorkQueue();
      queue.add('ns/a');
      await queue.get();
      const drained = queue.shutDownWithDrain();
      expect(await isPending(drained)).toBe(true);
      queue.shutDown();
      await expect(drained).resolves.toBeUndefined();
    });
  });
});
