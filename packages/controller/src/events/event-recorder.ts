/**
 * Records core/v1 Events about the objects a controller manages (`MissingExecutor` on a SpinApp,
 * `DeletionBlocked` on a SpinAppExecutor), as controller-runtime's recorders do:
 * - `event()` returns at once and never throws: Events are written in the background, in order, and a
 *   failure is reported to `onError`, never to the reconcile that asked;
 * - repeats of the same (object, type, reason, message) patch `count` and `lastTimestamp` of the Event
 *   already written instead of adding another; an Event that has expired meanwhile (the apiserver keeps
 *   them an hour by default) is written anew, keeping its count;
 * - a backlog beyond `maxPendingEvents` (the apiserver unreachable, say) drops new events rather than
 *   growing without bound.
 */
import { CoreV1Api, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { abortableRequest, describeError, logErrorToStderr, statusCode } from '../leader/api-request.js';
import {
  aggregationKey,
  coreEvent,
  eventName,
  eventNamespace,
  objectReference,
  type EventSource,
  type EventType,
} from './core-event.js';

export interface EventRecorderOptions {
  readonly kubeConfig: KubeConfig;
  /** The reporting component, e.g. `spinapp-reconciler`: `source.component` and `reportingComponent`. */
  readonly component: string;
  /** `source.host` and `reportingInstance`; unset by default, as upstream's recorders leave it. */
  readonly host?: string;
  /** Where failures to record go (the recorder never throws them); one JSON line on stderr by default. */
  readonly onError?: (error: unknown) => void;
  /** Distinct events remembered for counting repeats, least recently seen forgotten first (default 4096). */
  readonly maxCachedEvents?: number;
  /** Events waiting to be written beyond which new ones are dropped (default 1000). */
  readonly maxPendingEvents?: number;
  /** Time allowed for each write to the apiserver (default 10 s). */
  readonly requestTimeoutMs?: number;
}

interface Pending {
  readonly key: string;
  readonly reference: ReturnType<typeof objectReference>;
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
  readonly at: Date;
}

interface Written {
  readonly name: string;
  readonly namespace: string;
  readonly count: number;
  readonly firstTimestamp: Date;
}

export class EventRecorder {
  /** Counters for tests and metrics. */
  readonly stats = { created: 0, aggregated: 0, dropped: 0, failed: 0 };
  private readonly api: CoreV1Api;
  private readonly source: EventSource;
  private readonly onError: (error: unknown) => void;
  private readonly written = new Map<string, Written>();
  private readonly queue: Pending[] = [];
  private writing = false;
  private idle: (() => void)[] = [];

  constructor(private readonly options: EventRecorderOptions) {
    this.api = options.kubeConfig.makeApiClient(CoreV1Api);
    this.source = options.host
      ? { component: options.component, host: options.host }
      : { component: options.component };
    this.onError = options.onError ?? logErrorToStderr(options.component);
  }

  /** Records that `reason` happened to `object`. Returns at once; never throws. */
  event(object: KubernetesObject, type: EventType, reason: string, message: string): void {
    try {
      const reference = objectReference(object);
      if (this.queue.length >= (this.options.maxPendingEvents ?? 1000)) {
        this.stats.dropped++;
        this.onError(
          new Error(
            `event ${reason} about ${describe(object)} dropped: too many events waiting to be written`,
          ),
        );
        return;
      }
      const key = aggregationKey(this.source, reference, type, reason, message);
      this.queue.push({ key, reference, type, reason, message, at: new Date() });
      if (!this.writing) void this.drain();
    } catch (error) {
      this.stats.failed++;
      this.onError(
        new Error(`event ${reason} about ${describe(object)} not recorded: ${describeError(error)}`),
      );
    }
  }

  /** Resolves once every event recorded so far has been written (or has failed). */
  flush(): Promise<void> {
    if (!this.writing && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private async drain(): Promise<void> {
    this.writing = true;
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      try {
        await this.write(next);
      } catch (error) {
        this.stats.failed++;
        this.onError(
          new Error(
            `event ${next.reason} about ${next.reference.kind ?? ''} ${eventNamespace(next.reference)}/${next.reference.name ?? ''} not recorded: ${describeError(error)}`,
            { cause: error },
          ),
        );
      }
    }
    this.writing = false;
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private async write(event: Pending): Promise<void> {
    const seen = this.written.get(event.key);
    if (seen) {
      const count = seen.count + 1;
      try {
        await this.api.patchNamespacedEvent(
          {
            name: seen.name,
            namespace: seen.namespace,
            body: [
              { op: 'replace', path: '/count', value: count },
              { op: 'replace', path: '/lastTimestamp', value: event.at.toISOString() },
            ],
          },
          this.request(),
        );
        this.remember(event.key, { ...seen, count });
        this.stats.aggregated++;
        return;
      } catch (error) {
        // 404: the Event expired (or was deleted); write it anew below, keeping its count.
        if (statusCode(error) !== 404) throw error;
      }
    }
    const count = seen ? seen.count + 1 : 1;
    const firstTimestamp = seen?.firstTimestamp ?? event.at;
    const namespace = eventNamespace(event.reference);
    for (let attempt = 1; ; attempt++) {
      const name = eventName(event.reference.name ?? '', event.at, process.hrtime.bigint());
      const body = coreEvent({
        ...event,
        name,
        source: this.source,
        count,
        firstTimestamp,
        lastTimestamp: event.at,
      });
      try {
        await this.api.createNamespacedEvent({ namespace, body }, this.request());
        this.remember(event.key, { name, namespace, count, firstTimestamp });
        this.stats.created++;
        return;
      } catch (error) {
        // Two events about one object in the same nanosecond: try another name, once.
        if (statusCode(error) !== 409 || attempt > 1) throw error;
      }
    }
  }

  private remember(key: string, written: Written): void {
    // Map order is insertion order: delete and re-insert to make this the most recently seen.
    this.written.delete(key);
    this.written.set(key, written);
    const max = this.options.maxCachedEvents ?? 4096;
    for (const oldest of this.written.keys()) {
      if (this.written.size <= max) break;
      this.written.delete(oldest);
    }
  }

  private request() {
    return abortableRequest(AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000));
  }
}

function describe(object: KubernetesObject): string {
  const namespace = object.metadata?.namespace;
  const name = object.metadata?.name ?? '<unnamed>';
  return `${object.kind ?? '<no kind>'} ${namespace ? `${namespace}/${name}` : name}`;
}
