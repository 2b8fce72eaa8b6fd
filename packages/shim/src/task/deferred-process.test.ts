import { describe, expect, it } from 'vitest';
import { DeferredProcess } from './deferred-process.js';
import type { TaskProcess } from './task.js';

function recorder(): TaskProcess & { calls: string[]; exit: (status: number) => void } {
  let exit!: (status: number) => void;
  const exited = new Promise<number>((resolve) => {
    exit = resolve;
  });
  const calls: string[] = [];
  return {
    calls,
    exit,
    exited,
    start: () => calls.push('start'),
    kill: (signal) => calls.push(`kill ${String(signal)}`),
  };
}

describe('DeferredProcess', () => {
  it('passes start and signals on in order once the process exists, and its exit status', async () => {
    const inner = recorder();
    let create!: (process: TaskProcess) => void;
    const deferred = new DeferredProcess(
      new Promise((resolve) => {
        create = resolve;
      }),
      () => undefined,
    );
    deferred.start();
    deferred.kill(15);
    expect(inner.calls).toEqual([]);
    create(inner);
    inner.exit(0);
    expect(await deferred.exited).toBe(0);
    expect(inner.calls).toEqual(['start', 'kill 15']);
  });

  it('ends with 137 and reports the error when the process cannot be made', async () => {
    const errors: unknown[] = [];
    const deferred = new DeferredProcess(Promise.reject(new Error('no runtime')), (error) =>
      errors.push(error),
    );
    deferred.start();
    expect(await deferred.exited).toBe(137);
    expect(errors).toEqual([new Error('no runtime')]);
  });
});
