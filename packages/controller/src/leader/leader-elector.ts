/**
 * Lease-based leader election with the semantics controllers built on client-go have, so a TypeScript
 * controller and its replicas (or a Go one, during a migration) can share one Lease:
 * - a candidate takes the lease when it does not exist, names nobody, or has not changed for its lease
 *   duration, measured on this process's monotonic clock from when the candidate first saw that version of
 *   the record (never from the timestamps in it, so clock skew between nodes does not matter);
 * - every write carries the resourceVersion last read, so when candidates race the apiserver lets exactly
 *   one win and the others get 409 and keep waiting;
 * - the leader renews every retry period, and steps down when renewing has failed for the renew deadline or
 *   the lease is seen in another holder's hands;
 * - a graceful stop tells the leader's work to finish, waits for it while still renewing, then releases the
 *   lease (holder cleared), so a successor takes over within one retry period instead of a lease duration.
 * Defaults are controller-runtime's: lease 15 s, renew deadline 10 s, retry period 2 s.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { KubeConfig, V1Lease } from '@kubernetes/client-node';
import { describeError, logErrorToStderr } from './api-request.js';
import { isConflict, leaseLock, type LeaseLock } from './lease-lock.js';
import {
  acquiredSpec,
  isHeld,
  recordOf,
  releasedSpec,
  sameRecord,
  type LeaderRecord,
} from './lease-record.js';

export interface LeaderElectorOptions {
  readonly kubeConfig: KubeConfig;
  /** Namespace of the Lease (usually the controller's own). */
  readonly namespace: string;
  /** Name of the Lease: the election id, e.g. `90ba2d18.spinkube.dev` for spin-operator. */
  readonly name: string;
  /** This candidate's identity; `<hostname>_<uuid>` by default (see `defaultIdentity`). */
  readonly identity?: string;
  /**
   * How long other candidates wait, from when they last saw the lease change, before taking it over
   * (default 15 s). The Lease stores whole seconds, so this is rounded up to one.
   */
  readonly leaseDurationMs?: number;
  /** How long the leader keeps retrying a failing renewal before it steps down (default 10 s). */
  readonly renewDeadlineMs?: number;
  /** Time between attempts to acquire or renew (default 2 s). */
  readonly retryPeriodMs?: number;
  /**
   * A waiting candidate adds a random part of up to this many retry periods to each wait, so candidates do
   * not all ask at once (default 1.2, as client-go). 0 makes waits exact.
   */
  readonly jitterFactor?: number;
  /** Clear the holder on a graceful stop, so a successor need not wait for the lease to expire (default true). */
  readonly releaseOnStop?: boolean;
  /** Where the record is kept: by default the Lease `name` in `namespace`, through `kubeConfig`. */
  readonly lock?: LeaseLock;
  /** Where problems are reported (the elector never throws them); one JSON line on stderr by default. */
  readonly onError?: (error: unknown) => void;
}

/** `lost`: renewing failed past the deadline, or another candidate holds the lease. `stopped`: `stop()`. */
export type StoppedLeadingReason = 'lost' | 'stopped';

export interface LeaderCallbacks {
  /**
   * Called on becoming leader. `signal` aborts when leadership ends. On a graceful stop the elector keeps
   * renewing until the returned promise settles, and only then releases the lease.
   */
  readonly onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  /** Called once when leadership ends (only if it began). */
  readonly onStoppedLeading?: (reason: StoppedLeadingReason) => void;
  /** Called whenever the lease is seen naming a new holder, this candidate included. */
  readonly onNewLeader?: (identity: string) => void;
}

export const LEADER_ELECTION_DEFAULTS = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  jitterFactor: 1.2,
} as const;

/** `<hostname>_<uuid>`: unique per process, and says which pod holds the lease. */
export function defaultIdentity(): string {
  return `${hostname()}_${randomUUID()}`;
}

const now = () => performance.now();

export class LeaderElector {
  readonly identity: string;
  /** Counters for tests and metrics: attempts to acquire or renew, and their outcomes. */
  readonly stats = { attempts: 0, acquisitions: 0, renewals: 0, conflicts: 0, failures: 0 };
  private readonly lock: LeaseLock;
  private readonly leaseDurationSeconds: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly jitterFactor: number;
  private readonly onError: (error: unknown) => void;
  /** The record last read or written, when this process first saw it, and the lease it came in. */
  private observed: LeaderRecord | undefined;
  private observedAt = 0;
  private lease: V1Lease | undefined;
  private leading = false;
  private reportedLeader = '';
  private callbacks: LeaderCallbacks | undefined;
  private stopping: AbortController | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: LeaderElectorOptions) {
    this.identity = options.identity ?? defaultIdentity();
    const leaseDurationMs = options.leaseDurationMs ?? LEADER_ELECTION_DEFAULTS.leaseDurationMs;
    this.renewDeadlineMs = options.renewDeadlineMs ?? LEADER_ELECTION_DEFAULTS.renewDeadlineMs;
    this.retryPeriodMs = options.retryPeriodMs ?? LEADER_ELECTION_DEFAULTS.retryPeriodMs;
    this.jitterFactor = options.jitterFactor ?? LEADER_ELECTION_DEFAULTS.jitterFactor;
    if (!options.name || !options.namespace) {
      throw new RangeError('leader election: the lease needs a name and a namespace');
    }
    if (!(this.retryPeriodMs > 0) || !(this.jitterFactor >= 0)) {
      throw new RangeError('leader election: retryPeriodMs must be positive and jitterFactor not negative');
    }
    if (!(leaseDurationMs > this.renewDeadlineMs)) {
      throw new RangeError(
        `leader election: leaseDurationMs (${leaseDurationMs}) must be greater than renewDeadlineMs (${this.renewDeadlineMs})`,
      );
    }
    if (!(this.renewDeadlineMs > Math.max(1, this.jitterFactor) * this.retryPeriodMs)) {
      throw new RangeError(
        `leader election: renewDeadlineMs (${this.renewDeadlineMs}) must be greater than retryPeriodMs (${this.retryPeriodMs}) times max(1, jitterFactor)`,
      );
    }
    this.leaseDurationSeconds = Math.max(1, Math.ceil(leaseDurationMs / 1000));
    this.lock = options.lock ?? leaseLock(options.kubeConfig, options.namespace, options.name);
    this.onError = options.onError ?? logErrorToStderr('leader-election');
  }

  /** Whether this candidate currently leads. */
  get isLeader(): boolean {
    return this.leading;
  }

  /** The holder the lease named when last read or written ('' when free or not read yet). */
  get leader(): string {
    return this.observed?.holderIdentity ?? '';
  }

  /**
   * Campaigns for the lease, then leads until leadership is lost or `stop()` is called; resolves when it
   * has ended (after `onStoppedLeading`). As with client-go, leadership is not sought again afterwards:
   * a controller that lost it should exit, or call `run` again.
   */
  run(callbacks: LeaderCallbacks): Promise<void> {
    if (this.running) return Promise.reject(new Error('leader election: already running'));
    const stopping = new AbortController();
    this.stopping = stopping;
    this.callbacks = callbacks;
    this.running = this.campaign(callbacks, stopping.signal).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops campaigning or leading (releasing the lease unless `releaseOnStop` is false); resolves when done. */
  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.running;
  }

  /**
   * A health check that fails while this candidate believes it leads but has not renewed for longer than
   * the lease duration plus `toleranceMs`: a renewal loop that hung, so another replica may be leading too.
   */
  healthCheck(toleranceMs = 20_000): () => void {
    return () => {
      const sinceMs = now() - this.observedAt;
      if (this.leading && sinceMs > this.leaseDurationSeconds * 1000 + toleranceMs) {
        throw new Error(
          `lease ${this.lock.description} not renewed for ${Math.round(sinceMs / 1000)} s while leading`,
        );
      }
    };
  }

  private async campaign(callbacks: LeaderCallbacks, stop: AbortSignal): Promise<void> {
    if (!(await this.acquire(stop))) return;
    this.leading = true;
    this.stats.acquisitions++;
    const leadership = new AbortController();
    const quit = new AbortController();
    const work = (async () => {
      try {
        await callbacks.onStartedLeading(leadership.signal);
      } catch (error) {
        this.onError(error);
      }
    })();
    // A graceful stop: tell the work to end, keep renewing until it has, then leave the renew loop.
    const onStop = () => {
      leadership.abort();
      void work.then(() => {
        quit.abort();
      });
    };
    stop.addEventListener('abort', onStop, { once: true });
    const reason = await this.renew(quit.signal);
    stop.removeEventListener('abort', onStop);
    this.leading = false;
    leadership.abort();
    if (reason === 'stopped' && this.options.releaseOnStop !== false) await this.release();
    try {
      callbacks.onStoppedLeading?.(reason);
    } catch (error) {
      this.onError(error);
    }
  }

  /** Tries at once, then every retry period (jittered) until the lease is won; false if stopped first. */
  private async acquire(stop: AbortSignal): Promise<boolean> {
    // Read through a function: the signal changes across awaits, which narrowing cannot see.
    const stopped = () => stop.aborted;
    while (!stopped()) {
      const attempt = AbortSignal.any([stop, AbortSignal.timeout(this.renewDeadlineMs)]);
      if (await this.tryAcquireOrRenew(attempt)) {
        if (!stopped()) return true;
        // Won the lease while being stopped: never lead, hand it straight back.
        await this.release();
        return false;
      }
      await sleep(this.retryPeriodMs * (1 + Math.random() * this.jitterFactor), stop);
    }
    return false;
  }

  /**
   * Renews every retry period. A renewal may be retried until the renew deadline (counted from its first
   * attempt); past it, or as soon as another holder is seen, leadership is lost.
   */
  private async renew(quit: AbortSignal): Promise<StoppedLeadingReason> {
    const quitting = () => quit.aborted;
    for (;;) {
      await sleep(this.retryPeriodMs, quit);
      if (quitting()) return 'stopped';
      const deadline = now() + this.renewDeadlineMs;
      for (;;) {
        if (await this.tryAcquireOrRenew(AbortSignal.timeout(Math.max(1, Math.ceil(deadline - now()))))) {
          this.stats.renewals++;
          break;
        }
        if (this.observed && this.observed.holderIdentity !== this.identity) {
          this.onError(
            new Error(`leader election: lease ${this.lock.description} taken over by ${this.leader}`),
          );
          return 'lost';
        }
        await sleep(Math.min(this.retryPeriodMs, deadline - now()), quit);
        if (quitting()) return 'stopped';
        if (now() >= deadline) {
          this.onError(
            new Error(
              `leader election: could not renew lease ${this.lock.description} within ${this.renewDeadlineMs} ms; stepping down`,
            ),
          );
          return 'lost';
        }
      }
    }
  }

  /** One attempt to take or keep the lease; true when this candidate holds it afterwards. */
  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    this.stats.attempts++;
    // Fast path: the leader writes over the version it wrote last, without reading it first.
    if (this.leading && this.lease && this.observed && isHeld(this.observed, this.observedAt, now())) {
      try {
        const spec = acquiredSpec(this.observed, this.identity, new Date(), this.leaseDurationSeconds);
        this.observe(await this.lock.update(this.lease, spec, signal));
        return true;
      } catch (error) {
        if (!isConflict(error)) this.fail('renewing', error);
        if (signal.aborted) return false;
        // Fall back to reading the lease, as someone else may have written it.
      }
    }
    let lease: V1Lease | undefined;
    try {
      lease = await this.lock.get(signal);
    } catch (error) {
      this.fail('reading', error);
      return false;
    }
    if (!lease) {
      return this.write('creating', () =>
        this.lock.create(
          acquiredSpec(undefined, this.identity, new Date(), this.leaseDurationSeconds),
          signal,
        ),
      );
    }
    const record = recordOf(lease, this.leaseDurationSeconds);
    this.lease = lease;
    if (!this.observed || !sameRecord(record, this.observed)) {
      this.observed = record;
      this.observedAt = now();
      this.reportLeader();
    }
    if (record.holderIdentity !== this.identity && isHeld(record, this.observedAt, now())) return false;
    return this.write('updating', () =>
      this.lock.update(
        lease,
        acquiredSpec(record, this.identity, new Date(), this.leaseDurationSeconds),
        signal,
      ),
    );
  }

  private async write(what: string, request: () => Promise<V1Lease>): Promise<boolean> {
    try {
      this.observe(await request());
      return true;
    } catch (error) {
      // 409: another candidate wrote first. Not a fault, just a lost race.
      if (isConflict(error)) this.stats.conflicts++;
      else this.fail(what, error);
      return false;
    }
  }

  /** Clears the holder, if the last record this candidate saw names it. */
  private async release(): Promise<void> {
    if (!this.lease || this.observed?.holderIdentity !== this.identity) return;
    try {
      const spec = releasedSpec(this.observed, new Date());
      this.observe(await this.lock.update(this.lease, spec, AbortSignal.timeout(this.renewDeadlineMs)));
    } catch (error) {
      this.fail('releasing', error);
    }
  }

  private observe(lease: V1Lease): void {
    this.lease = lease;
    this.observed = recordOf(lease, this.leaseDurationSeconds);
    this.observedAt = now();
    this.reportLeader();
  }

  private reportLeader(): void {
    const holder = this.observed?.holderIdentity ?? '';
    if (!holder || holder === this.reportedLeader) return;
    this.reportedLeader = holder;
    try {
      this.callbacks?.onNewLeader?.(holder);
    } catch (error) {
      this.onError(error);
    }
  }

  private fail(what: string, error: unknown): void {
    this.stats.failures++;
    // A request cut short by stop() is no fault worth reporting.
    if (this.stopping?.signal.aborted && error instanceof Error && error.name === 'AbortError') return;
    this.onError(
      new Error(`leader election: ${what} lease ${this.lock.description} failed: ${describeError(error)}`, {
        cause: error,
      }),
    );
  }
}

/** Resolves after `ms`, or as soon as `signal` aborts; never rejects. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
