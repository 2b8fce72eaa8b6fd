import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DelayingQueue } from './delaying-queue.js';

describe('DelayingQueue', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('adds a key once its delay has passed, not before', () => {
    const queue = new DelayingQueue();
    queue.addAfter('ns/a', 100);
    expect(queue.length()).toBe(0);
    expect(queue.waitingLength()).toBe(1);
    vi.advanceTimersByTime(99);
    expect(queue.length()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(queue.length()).toBe(1);
    expect(queue.waitingLength()).toBe(0);
    queue.shutDown();
  });

  it('releases keys earliest first, whatever the order they were added in', async () => {
    const queue = new DelayingQueue();
    queue.addAfter('ns/c', 300);
    queue.addAfter('ns/a', 100);
    queue.addAfter('ns/b', 200);
    vi.advanceTimersByTime(150);
    expect(queue.length()).toBe(1);
    vi.advanceTimersByTime(150);
    expect([await queue.get(), await queue.get(), await queue.get()]).toEqual(['ns/a', 'ns/b', 'ns/c']);
    queue.shutDown();
  });

  it('uses one timer however many keys wait', () => {
    const queue = new DelayingQueue();
    for (let i = 0; i < 50; i++) queue.addAfter(`ns/k${String(i)}`, 1000 - i);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(queue.length()).toBe(50);
    expect(vi.getTimerCount()).toBe(0);
    queue.shutDown();
  });

  it('re-arms its timer only for a key due before the one it is armed for', () => {
    const queue = new DelayingQueue();
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    queue.addAfter('ns/a', 100);
    queue.addAfter('ns/b', 200);
    queue.addAfter('ns/c', 150);
    expect(setTimeoutSpy).toHaveBeenCalledTimes(1);
    queue.addAfter('ns/d', 50);
    expect(setTimeoutSpy).toHaveBeenCalledTimes(2);
    expect(vi.getTimerCount()).toBe(1);
    queue.shutDown();
  });

  it('keeps the earlier time when a waiting key is added again', () => {
    const queue = new DelayingQueue();
    queue.addAfter('ns/a', 500);
    queue.addAfter('ns/a', 100);
    queue.addAfter('ns/a', 900);
    vi.advanceTimersByTime(100);
    expect(queue.length()).toBe(1);
    expect(queue.waitingLength()).toBe(0);
    queue.shutDown();
  });

  it('adds at once when the delay is zero or negative', () => {
    const queue = new DelayingQueue();
    queue.addAfter('ns/a', 0);
    queue.addAfter('ns/b', -5);
    expect(queue.length()).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
    queue.shutDown();
  });

  it('dedupes a delayed key against the same key already queued', () => {
    const queue = new DelayingQueue();
    queue.add('ns/a');
    queue.addAfter('ns/a', 10);
    vi.advanceTimersByTime(10);
    expect(queue.length()).toBe(1);
    queue.shutDown();
  });

  it('does not fire a delay longer than setTimeout allows early', () => {
    const queue = new DelayingQueue();
    const day = 24 * 3600 * 1000;
    queue.addAfter('ns/a', 30 * day);
    vi.advanceTimersByTime(29 * day);
    expect(queue.length()).toBe(0);
    vi.advanceTimersByTime(day);
    expect(queue.length()).toBe(1);
    queue.shutDown();
  });

  it('drops waiting keys and its timer on shut down, and ignores later addAfter', () => {
    const queue = new DelayingQueue();
    queue.addAfter('ns/a', 100);
    queue.shutDown();
    expect(vi.getTimerCount()).toBe(0);
    expect(queue.waitingLength()).toBe(0);
    queue.addAfter('ns/b', 10);
    vi.advanceTimersByTime(1000);
    expect(queue.length()).toBe(0);
  });
});
