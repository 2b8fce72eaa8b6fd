/**
 * The components a worker keeps warm: a spare instance made ahead of the next request, and pooled
 * memories. A worker of a shared pool may have run many apps, and keeping every component warm would cost
 * a memory per component per worker (9 MB for a JS SDK component), so only the most recently used few
 * stay warm; a request for a cold one instantiates on its critical path (well under a millisecond for a
 * tiny component, a few for a JS one) and makes it warm again.
 */
import type { LoadedComponent } from './worker-app.js';

export class WarmComponents {
  /** Least recently used first (a Set iterates in insertion order). */
  private readonly recent = new Set<LoadedComponent>();

  constructor(private readonly limit: number) {}

  /** `component` was just loaded or run: it becomes the most recent, and the least recent beyond the limit go cold. */
  touch(component: LoadedComponent): void {
    this.recent.delete(component);
    this.recent.add(component);
    for (const coldest of this.recent) {
      if (this.recent.size <= this.limit) break;
      this.recent.delete(coldest);
      coldest.spare?.release();
      coldest.spare = undefined;
      coldest.factory.trim();
    }
  }

  /** The component's app was unloaded. */
  forget(component: LoadedComponent): void {
    this.recent.delete(component);
  }
}
