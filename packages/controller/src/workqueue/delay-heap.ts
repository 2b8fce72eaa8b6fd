/**
 * The keys a delaying queue holds back, as a binary min-heap on the time each is due, with an index from
 * key to heap slot so that re-scheduling a key already waiting is O(log n) rather than a scan.
 */
interface Entry {
  readonly key: string;
  readyAt: number;
  /** Insertion order; breaks ties so that keys due at the same moment come out in the order added. */
  readonly seq: number;
}

export class DelayHeap {
  private readonly heap: Entry[] = [];
  private readonly slots = new Map<string, number>();
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Schedules `key` at `readyAt`; a key already waiting keeps the earlier of its two times. */
  schedule(key: string, readyAt: number): void {
    const slot = this.slots.get(key);
    if (slot !== undefined) {
      const entry = this.at(slot);
      if (readyAt < entry.readyAt) {
        entry.readyAt = readyAt;
        this.up(slot);
      }
      return;
    }
    this.heap.push({ key, readyAt, seq: this.seq++ });
    this.slots.set(key, this.heap.length - 1);
    this.up(this.heap.length - 1);
  }

  /** When the earliest key is due, if any is waiting. */
  nextReadyAt(): number | undefined {
    return this.heap[0]?.readyAt;
  }

  /** Removes and returns the keys due at or before `now`, earliest first. */
  popReady(now: number): string[] {
    const ready: string[] = [];
    for (let top = this.heap[0]; top !== undefined && top.readyAt <= now; top = this.heap[0]) {
      ready.push(top.key);
      this.removeTop();
    }
    return ready;
  }

  clear(): void {
    this.heap.length = 0;
    this.slots.clear();
  }

  private removeTop(): void {
    const top = this.at(0);
    const last = this.heap.pop() as Entry;
    this.slots.delete(top.key);
    if (last === top) return;
    this.heap[0] = last;
    this.slots.set(last.key, 0);
    this.down(0);
  }

  private at(slot: number): Entry {
    return this.heap[slot] as Entry;
  }

  private before(a: Entry, b: Entry): boolean {
    return a.readyAt < b.readyAt || (a.readyAt === b.readyAt && a.seq < b.seq);
  }

  private up(slot: number): void {
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      if (!this.before(this.at(slot), this.at(parent))) return;
      this.swap(slot, parent);
      slot = parent;
    }
  }

  private down(slot: number): void {
    for (;;) {
      const left = slot * 2 + 1;
      const right = left + 1;
      let smallest = slot;
      if (left < this.heap.length && this.before(this.at(left), this.at(smallest))) smallest = left;
      if (right < this.heap.length && this.before(this.at(right), this.at(smallest))) smallest = right;
      if (smallest === slot) return;
      this.swap(slot, smallest);
      slot = smallest;
    }
  }

  private swap(i: number, j: number): void {
    const a = this.at(i);
    const b = this.at(j);
    this.heap[i] = b;
    this.heap[j] = a;
    this.slots.set(b.key, i);
    this.slots.set(a.key, j);
  }
}
