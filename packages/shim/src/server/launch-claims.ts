/**
 * Start claims. `containerd-shim-spin-v2 start` reuses a running node server by claiming it for the task
 * it is starting; the server then stays up until that task is created (or the claim lapses), so a server
 * that just ran out of tasks cannot exit between a `start` that found it and containerd's Create. A server
 * that is already on its way out refuses claims, and `start` launches a new one.
 */
export const LAUNCHER_SERVICE = 'spinkube.shim.v1.Launcher';
/** How long a claim holds the server up if containerd never creates the task. */
export const CLAIM_TTL_MS = 60_000;

export class LaunchClaims {
  private readonly claims = new Map<string, NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly onLapse: () => void) {}

  /** False once the server is exiting. */
  claim(id: string): boolean {
    if (this.closed) return false;
    clearTimeout(this.claims.get(id));
    const timer = setTimeout(() => {
      this.claims.delete(id);
      this.onLapse();
    }, CLAIM_TTL_MS);
    timer.unref();
    this.claims.set(id, timer);
    return true;
  }

  release(id: string): void {
    clearTimeout(this.claims.get(id));
    this.claims.delete(id);
  }

  get size(): number {
    return this.claims.size;
  }

  /** Refuses every later claim. */
  close(): void {
    this.closed = true;
    for (const timer of this.claims.values()) clearTimeout(timer);
    this.claims.clear();
  }
}
