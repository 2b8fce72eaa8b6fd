/**
 * Read-your-writes for a reconciler that plans from informer caches: what a Shim's last pass wrote (Jobs
 * created and deleted by uid, node labels set) is remembered until the caches show it. A pass that starts
 * before then would plan from a world without its own writes — e.g. a failed Job still cached after its
 * replacement was created, read again as a new failure — so it waits instead (controller-runtime's
 * "expectations"). A write the caches never show (an object changed again at once) is forgotten after
 * a deadline, so nothing waits forever; past it, a Job about to be created is still checked against the
 * API server itself (ShimReconciler.execute).
 */
export interface CacheView {
  /** uids of the cached Jobs. */
  hasJob(uid: string): boolean;
  /** The cached node's `<shim>` label, or null when the node is not cached. */
  nodeLabel(node: string, key: string): string | undefined | null;
}

interface Pending {
  readonly createdJobs: Set<string>;
  readonly deletedJobs: Set<string>;
  /** node → label value written (undefined: removed). */
  readonly labels: Map<string, string | undefined>;
  deadline: number;
}

export const EXPECTATION_TIMEOUT_MS = 60_000;

export class WriteExpectations {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly now: () => number = Date.now) {}

  jobCreated(shim: string, uid: string | undefined): void {
    if (uid) this.entry(shim).createdJobs.add(uid);
  }

  jobDeleted(shim: string, uid: string): void {
    this.entry(shim).deletedJobs.add(uid);
  }

  labelSet(shim: string, node: string, value: string | undefined): void {
    this.entry(shim).labels.set(node, value);
  }

  /** Whether the caches show everything the Shim's last pass wrote (or the deadline passed). */
  satisfied(shim: string, view: CacheView): boolean {
    const pending = this.pending.get(shim);
    if (!pending) return true;
    if (this.now() > pending.deadline) {
      this.pending.delete(shim);
      return true;
    }
    for (const uid of pending.createdJobs) if (view.hasJob(uid)) pending.createdJobs.delete(uid);
    for (const uid of pending.deletedJobs) if (!view.hasJob(uid)) pending.deletedJobs.delete(uid);
    for (const [node, value] of pending.labels) {
      const cached = view.nodeLabel(node, shim);
      if (cached === null || cached === value) pending.labels.delete(node);
    }
    if (pending.createdJobs.size + pending.deletedJobs.size + pending.labels.size > 0) return false;
    this.pending.delete(shim);
    return true;
  }

  forget(shim: string): void {
    this.pending.delete(shim);
  }

  private entry(shim: string): Pending {
    let pending = this.pending.get(shim);
    if (!pending) {
      pending = { createdJobs: new Set(), deletedJobs: new Set(), labels: new Map(), deadline: 0 };
      this.pending.set(shim, pending);
    }
    pending.deadline = this.now() + EXPECTATION_TIMEOUT_MS;
    return pending;
  }
}
