/**
 * The leadership facts a coordination.k8s.io/v1 Lease carries, and the pure decisions made from them:
 * whether a record still binds other candidates, and what a candidate writes when it acquires, renews or
 * releases the lease. Expiry is judged on the candidate's own monotonic clock, from the moment it first saw
 * the current record, never from the timestamps in the lease (clocks of different nodes may disagree).
 */
import { V1MicroTime, type V1Lease, type V1LeaseSpec } from '@kubernetes/client-node';

export interface LeaderRecord {
  /** Empty when nobody holds the lease (never acquired, or released). */
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTime: string;
  readonly renewTime: string;
  readonly leaseTransitions: number;
}

/** The record in a lease; `fallbackDurationSeconds` stands in for a missing `leaseDurationSeconds`. */
export function recordOf(lease: V1Lease, fallbackDurationSeconds: number): LeaderRecord {
  const spec = lease.spec ?? {};
  return {
    holderIdentity: spec.holderIdentity ?? '',
    leaseDurationSeconds: spec.leaseDurationSeconds ?? fallbackDurationSeconds,
    acquireTime: timeText(spec.acquireTime),
    renewTime: timeText(spec.renewTime),
    leaseTransitions: spec.leaseTransitions ?? 0,
  };
}

/** Whether two reads of a lease saw the same record (a renewal changes at least `renewTime`). */
export function sameRecord(a: LeaderRecord, b: LeaderRecord): boolean {
  return (
    a.holderIdentity === b.holderIdentity &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.acquireTime === b.acquireTime &&
    a.renewTime === b.renewTime &&
    a.leaseTransitions === b.leaseTransitions
  );
}

/**
 * Whether a record, first seen at `observedAtMs`, still binds candidates other than its holder at `nowMs`
 * (both on the observer's monotonic clock): it names a holder and that holder's lease duration has not
 * passed since the record was seen.
 */
export function isHeld(record: LeaderRecord, observedAtMs: number, nowMs: number): boolean {
  return record.holderIdentity !== '' && observedAtMs + record.leaseDurationSeconds * 1000 > nowMs;
}

/**
 * The spec `identity` writes to take or keep the lease. Renewing (the record already names `identity`)
 * keeps the acquire time and the transition count; taking over from anyone else, including nobody after a
 * release, counts one more transition. A lease created from nothing starts at zero transitions.
 */
export function acquiredSpec(
  previous: LeaderRecord | undefined,
  identity: string,
  now: Date,
  leaseDurationSeconds: number,
): V1LeaseSpec {
  const renewing = previous?.holderIdentity === identity;
  const acquireTime = renewing && previous.acquireTime ? new V1MicroTime(previous.acquireTime) : micro(now);
  let leaseTransitions = 0;
  if (previous) leaseTransitions = renewing ? previous.leaseTransitions : previous.leaseTransitions + 1;
  return {
    holderIdentity: identity,
    leaseDurationSeconds,
    acquireTime,
    renewTime: micro(now),
    leaseTransitions,
  };
}

/**
 * The spec a holder writes when it steps down on purpose: no holder, so the next candidate to look takes
 * over at once instead of waiting out the lease; the transition count is kept (the successor adds one).
 */
export function releasedSpec(previous: LeaderRecord, now: Date): V1LeaseSpec {
  return {
    leaseDurationSeconds: 1,
    acquireTime: micro(now),
    renewTime: micro(now),
    leaseTransitions: previous.leaseTransitions,
  };
}

/** MicroTime serialises with six fractional digits, which the apiserver requires of lease times. */
function micro(date: Date): V1MicroTime {
  return new V1MicroTime(date.getTime());
}

// client-node declares lease times as Dates but hands back the wire strings it does not know how to parse.
function timeText(value: Date | string | undefined): string {
  if (value === undefined) return '';
  return value instanceof Date ? value.toISOString() : value;
}
