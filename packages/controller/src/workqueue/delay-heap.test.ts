import { describe, expect, it } from 'vitest';
import { DelayHeap } from './delay-heap.js';

describe('DelayHeap', () => {
  it('pops due keys earliest first, ties in the order scheduled', () => {
    const heap = new DelayHeap();
    heap.schedule('c', 30);
    heap.schedule('a', 10);
    heap.schedule('b1', 20);
    heap.schedule('b2', 20);
    expect(heap.nextReadyAt()).toBe(10);
    expect(heap.popReady(20)).toEqual(['a', 'b1', 'b2']);
    expect(heap.size).toBe(1);
    expect(heap.popReady(29)).toEqual([]);
    expect(heap.popReady(30)).toEqual(['c']);
    expect(heap.nextReadyAt()).toBeUndefined();
  });

  it('keeps the earlier time when a waiting key is scheduled again', () => {
    const heap = new DelayHeap();
    heap.schedule('a', 50);
    heap.schedule('b', 40);
    heap.schedule('a', 10);
    heap.schedule('b', 90);
    expect(heap.size).toBe(2);
    expect(heap.popReady(45)).toEqual(['a', 'b']);
  });

  it('orders like a sort on (time, insertion) for many random schedules', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const heap = new DelayHeap();
    const expected = new Map<string, { at: number; order: number }>();
    for (let i = 0; i < 2000; i++) {
      const key = `k${String(Math.floor(random() * 500))}`;
      const at = Math.floor(random() * 1000);
      heap.schedule(key, at);
      const known = expected.get(key);
      if (!known) expected.set(key, { at, order: i });
      else if (at < known.at) known.at = at;
    }
    const sorted = [...expected.entries()]
      .sort(([, x], [, y]) => x.at - y.at || x.order - y.order)
      .map(([key]) => key);
    expect(heap.popReady(1000)).toEqual(sorted);
    expect(heap.size).toBe(0);
  });
});
