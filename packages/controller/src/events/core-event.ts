/**
 * Pure construction of core/v1 Events, the kind `kubectl describe` lists under "Events:": the reference to
 * the object an event is about, the namespace it goes in, the key under which repeats are counted rather
 * than recorded again, and the Event object itself.
 */
import type { CoreV1Event, KubernetesObject, V1ObjectReference } from '@kubernetes/client-node';

export type EventType = 'Normal' | 'Warning';

/** Who reports an event: `source.component` (and `reportingComponent`), optionally a host. */
export interface EventSource {
  readonly component: string;
  readonly host?: string;
}

/** The reference to `object` an Event carries; throws when the object cannot be referred to. */
export function objectReference(object: KubernetesObject): V1ObjectReference {
  const { apiVersion, kind, metadata } = object;
  if (!kind || !apiVersion) throw new Error('the object has no apiVersion and kind to refer to it by');
  if (!metadata?.name) throw new Error(`the ${kind} has no metadata.name`);
  const reference: V1ObjectReference = { apiVersion, kind, name: metadata.name };
  if (metadata.namespace) reference.namespace = metadata.namespace;
  if (metadata.uid) reference.uid = metadata.uid;
  if (metadata.resourceVersion) reference.resourceVersion = metadata.resourceVersion;
  return reference;
}

/** Events about namespaced objects live beside them; events about cluster-scoped ones in `default`. */
export function eventNamespace(reference: V1ObjectReference): string {
  return reference.namespace ?? 'default';
}

/**
 * Repeats of the same report (same reporter, object, type, reason and message) share a key, and so one
 * Event whose count grows. The resourceVersion is left out: the object changing does not make it new.
 */
export function aggregationKey(
  source: EventSource,
  reference: V1ObjectReference,
  type: EventType,
  reason: string,
  message: string,
): string {
  return JSON.stringify([
    source.component,
    source.host ?? '',
    reference.apiVersion,
    reference.kind,
    reference.namespace ?? '',
    reference.name,
    reference.uid ?? '',
    type,
    reason,
    message,
  ]);
}

/**
 * A unique Event name: the object's name, a dot, and the time in hex nanoseconds (as kubectl users are
 * used to seeing), trimmed so the whole stays within the 253 characters a name may have.
 */
export function eventName(objectName: string, at: Date, nanos: bigint): string {
  const stamp = (BigInt(at.getTime()) * 1_000_000n + (nanos % 1_000_000n)).toString(16);
  return `${objectName.slice(0, 253 - stamp.length - 1)}.${stamp}`;
}

export interface NewEvent {
  readonly name: string;
  readonly reference: V1ObjectReference;
  readonly source: EventSource;
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
  readonly count: number;
  readonly firstTimestamp: Date;
  readonly lastTimestamp: Date;
}

export function coreEvent(event: NewEvent): CoreV1Event {
  const source = event.source.host
    ? { component: event.source.component, host: event.source.host }
    : { component: event.source.component };
  const body: CoreV1Event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: event.name, namespace: eventNamespace(event.reference) },
    involvedObject: event.reference,
    type: event.type,
    reason: event.reason,
    message: event.message,
    source,
    reportingComponent: event.source.component,
    count: event.count,
    firstTimestamp: event.firstTimestamp,
    lastTimestamp: event.lastTimestamp,
  };
  if (event.source.host) body.reportingInstance = event.source.host;
  return body;
}
