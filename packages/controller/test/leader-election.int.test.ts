import { performance } from 'node:perf_hooks';
import { CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';
import { useNamespace } from '@spinkube/test-cluster/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { LeaderElector, type LeaderElectorOptions } from '../src/leader/leader-elector.js';
import { leaseLock, type LeaseLock } from '../src/leader/lease-lock.js';
import { startNetworkProxy, type NetworkProxy } from './network-proxy.js';

const { kubeConfig, namespace } = useNamespace('leader');
const coordination = kubeConfig.makeApiClient(CoordinationV1Api);

// controller-runtime's 15 s / 10 s / 2 s, shrunk so each handover takes a second or two. No jitter, so the
// bounds below are exact up to request latency.
const TIMING = { leaseDurationMs: 2000, renewDeadlineMs: 1400, retryPeriodMs: 250, jitterFactor: 0 };
const SLACK_MS = 500;

interface Candidate {
  readonly elector: LeaderElector;
  readonly log: string[];
  readonly errors: string[];
  readonly done: Promise<void>;
  startedAt?: number;
  stoppedAt?: number;
  signal?: AbortSignal;
}

const electors: LeaderElector[] = [];
const proxies: NetworkProxy[] = [];
afterEach(async () => {
  await Promise.all(electors.splice(0).map((elector) => elector.stop()));
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});

let leases = 0;
const newLeaseName = () => `lease-${String(++leases)}`;

function candidate(
  name: string,
  identity: string,
  options: Partial<LeaderElectorOptions> = {},
  onStartedLeading?: (signal: AbortSignal) => Promise<void>,
): Candidate {
  const errors: string[] = [];
  const elector = new LeaderElector({
    kubeConfig,
    namespace,
    name,
    identity,
    ...TIMING,
    onError: (error) => errors.push(String(error)),
    ...options,
  });
  electors.push(elector);
  const log: string[] = [];
  const self: { -readonly [K in keyof Candidate]: Candidate[K] } = {
    elector,
    log,
    errors,
    done: Promise.resolve(),
  };
  self.done = elector.run({
    onStartedLeading: (signal) => {
      self.startedAt = performance.now();
      self.signal = signal;
      log.push('started');
      return onStartedLeading?.(signal);
    },
    onStoppedLeading: (reason) => {
      self.stoppedAt = performance.now();
      log.push(`stopped ${reason}`);
    },
    onNewLeader: (holder) => log.push(`leader ${holder}`),
  });
  return self;
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const readLease = (name: string): Promise<V1Lease> => coordination.readNamespacedLease({ name, namespace });

/** The real lease lock, whose first read answers only once `gate` opens: a candidate caught mid-attempt. */
function heldBackLock(name: string, gate: Promise<unknown>): LeaseLock & { firstReadDone: boolean } {
  const real = leaseLock(kubeConfig, namespace, name);
  const lock = {
    ...real,
    firstReadDone: false,
    async get(signal: AbortSignal) {
      const lease = await real.get(signal);
      if (!lock.firstReadDone) {
        lock.firstReadDone = true;
        await gate;
      }
      return lease;
    },
  };
  return lock;
}

describe('LeaderElector against a real apiserver', () => {
  it('lets one candidate take the lease and renew it while a second waits, then hands over within a retry period on a graceful stop', async () => {
    const name = newLeaseName();
    const a = candidate(name, 'candidate-a');
    await until(() => a.elector.isLeader, 'a to lead');
    const first = await readLease(name);
    expect(first.spec).toMatchObject({
      holderIdentity: 'candidate-a',
      leaseDurationSeconds: 2,
      leaseTransitions: 0,
    });

    const b = candidate(name, 'candidate-b');
    // Longer than a lease duration: only renewals keep b out.
    await delay(TIMING.leaseDurationMs + 2 * TIMING.retryPeriodMs);
    expect(b.log).toEqual(['leader candidate-a']);
    expect(b.elector.isLeader).toBe(false);
    expect(a.elector.stats.renewals).toBeGreaterThanOrEqual(8);
    const renewed = await readLease(name);
    expect(String(renewed.spec?.renewTime)).not.toBe(String(first.spec?.renewTime));
    expect(String(renewed.spec?.acquireTime)).toBe(String(first.spec?.acquireTime));

    await a.elector.stop();
    const releasedAt = performance.now();
    expect(a.log).toEqual(['leader candidate-a', 'started', 'stopped stopped']);
    expect(a.signal?.aborted).toBe(true);
    await until(() => b.elector.isLeader, 'b to lead');
    expect(b.startedAt! - releasedAt).toBeLessThan(TIMING.retryPeriodMs + SLACK_MS);
    expect((await readLease(name)).spec).toMatchObject({
      holderIdentity: 'candidate-b',
      leaseTransitions: 1,
    });
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it("on a graceful stop, keeps renewing until the leader's work has finished, then clears the holder", async () => {
    const name = newLeaseName();
    const steps: string[] = [];
    const a = candidate(name, 'candidate-a', {}, async (signal) => {
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      steps.push('work told to stop');
      await delay(6 * TIMING.retryPeriodMs); // finishing in-flight reconciles
      steps.push('work finished');
    });
    await until(() => a.elector.isLeader, 'a to lead');
    const stopping = a.elector.stop();
    await until(() => steps.includes('work told to stop'), 'the work to be told');
    const renewals = a.elector.stats.renewals;
    await until(() => a.elector.stats.renewals >= renewals + 2, 'renewals while the work finishes');
    expect((await readLease(name)).spec?.holderIdentity).toBe('candidate-a');
    expect(steps).toEqual(['work told to stop']);
    await stopping;
    expect(steps).toEqual(['work told to stop', 'work finished']);
    expect(a.log).toEqual(['leader candidate-a', 'started', 'stopped stopped']);
    const released = (await readLease(name)).spec;
    expect(released?.holderIdentity ?? '').toBe('');
    expect(released?.leaseTransitions).toBe(0);
  });

  it('succeeds a leader that stopped renewing without releasing after the lease duration and a retry period', async () => {
    const name = newLeaseName();
    const a = candidate(name, 'candidate-a', { releaseOnStop: false });
    await until(() => a.elector.isLeader, 'a to lead');
    const b = candidate(name, 'candidate-b');
    await delay(3 * TIMING.retryPeriodMs); // b has seen a few renewals
    await a.elector.stop(); // a process killed: the lease still names it
    const killedAt = performance.now();
    expect((await readLease(name)).spec?.holderIdentity).toBe('candidate-a');
    await until(() => b.elector.isLeader, 'b to lead');
    const handoverMs = b.startedAt! - killedAt;
    // b counts the lease duration from when it saw a's last renewal, at most a retry period after it was made.
    expect(handoverMs).toBeGreaterThan(TIMING.leaseDurationMs - TIMING.retryPeriodMs);
    expect(handoverMs).toBeLessThan(TIMING.leaseDurationMs + 2 * TIMING.retryPeriodMs + SLACK_MS);
    expect((await readLease(name)).spec).toMatchObject({
      holderIdentity: 'candidate-b',
      leaseTransitions: 1,
    });
  });

  it('steps a leader cut off from the apiserver down by its renew deadline, before anyone else can lead', async () => {
    const name = newLeaseName();
    const proxy = await startNetworkProxy(kubeConfig);
    proxies.push(proxy);
    const a = candidate(name, 'candidate-a', { kubeConfig: proxy.kubeConfig });
    await until(() => a.elector.isLeader, 'a to lead');
    const b = candidate(name, 'candidate-b');
    await delay(2 * TIMING.retryPeriodMs);
    proxy.cut();
    const cutAt = performance.now();
    await until(() => a.log.includes('stopped lost'), 'a to step down');
    expect(a.elector.isLeader).toBe(false);
    expect(a.signal?.aborted).toBe(true);
    expect(a.stoppedAt! - cutAt).toBeLessThan(TIMING.retryPeriodMs + TIMING.renewDeadlineMs + SLACK_MS);
    expect(a.errors.some((e) => e.includes('could not renew lease'))).toBe(true);
    await until(() => b.elector.isLeader, 'b to lead');
    expect(b.startedAt!).toBeGreaterThan(a.stoppedAt!);
    expect(b.startedAt! - cutAt).toBeLessThan(TIMING.leaseDurationMs + 2 * TIMING.retryPeriodMs + SLACK_MS);
    await a.done; // run() ends once leadership is lost
  });

  it('leaves exactly one leader when two candidates race to create the lease (409 AlreadyExists)', async () => {
    const name = newLeaseName();
    const { promise: gate, resolve: openGate } = Promise.withResolvers<undefined>();
    const lock = heldBackLock(name, gate);
    const b = candidate(name, 'candidate-b', { lock });
    await until(() => lock.firstReadDone, 'b to find no lease');
    const a = candidate(name, 'candidate-a');
    await until(() => a.elector.isLeader, 'a to lead');
    openGate(undefined); // b now creates the lease it saw missing
    await until(() => b.elector.stats.conflicts === 1, 'b to lose the race');
    await delay(2 * TIMING.retryPeriodMs);
    expect(a.elector.isLeader).toBe(true);
    expect(b.elector.isLeader).toBe(false);
    expect(b.errors).toEqual([]);
    expect((await readLease(name)).spec?.holderIdentity).toBe('candidate-a');
  });

  it('leaves exactly one leader when two candidates race to take a released lease (409 Conflict)', async () => {
    const name = newLeaseName();
    await coordination.createNamespacedLease({
      namespace,
      body: { metadata: { name, namespace }, spec: { leaseDurationSeconds: 1, leaseTransitions: 4 } },
    });
    const { promise: gate, resolve: openGate } = Promise.withResolvers<undefined>();
    const lock = heldBackLock(name, gate);
    const b = candidate(name, 'candidate-b', { lock });
    await until(() => lock.firstReadDone, 'b to read the free lease');
    const a = candidate(name, 'candidate-a');
    await until(() => a.elector.isLeader, 'a to lead');
    openGate(undefined); // b now writes over the version it read, which a has replaced
    await until(() => b.elector.stats.conflicts === 1, 'b to lose the race');
    await delay(2 * TIMING.retryPeriodMs);
    expect(a.elector.isLeader).toBe(true);
    expect(b.elector.isLeader).toBe(false);
    expect(b.errors).toEqual([]);
    expect((await readLease(name)).spec).toMatchObject({
      holderIdentity: 'candidate-a',
      leaseTransitions: 5,
    });
  });

  it('never has two leaders among five candidates started together, through a handover', async () => {
    const name = newLeaseName();
    const all = ['a', 'b', 'c', 'd', 'e'].map((id) =>
      candidate(name, `candidate-${id}`, { jitterFactor: 1.2, retryPeriodMs: 100, renewDeadlineMs: 1000 }),
    );
    const leaders = () => all.filter((c) => c.elector.isLeader);
    let most = 0;
    const sampler = setInterval(() => (most = Math.max(most, leaders().length)), 2);
    try {
      await until(() => leaders().length === 1, 'a leader');
      const first = leaders()[0]!;
      await delay(500);
      await first.elector.stop();
      await until(() => leaders().length === 1, 'a successor');
      await delay(500);
    } finally {
      clearInterval(sampler);
    }
    expect(most).toBe(1);
    const holder = (await readLease(name)).spec?.holderIdentity;
    expect(leaders().map((c) => c.elector.identity)).toEqual([holder]);
    expect((await readLease(name)).spec?.leaseTransitions).toBe(1);
  });
});
