/**
 * A shared informer: lists a resource, then watches it from the list's resourceVersion, keeping a cache
 * and telling handlers what was added, updated and deleted. It heals itself, because a controller must
 * outlive apiserver restarts and dropped connections:
 * - a watch that ends (server timeout, connection lost) is restarted from the last resourceVersion, with
 *   exponential backoff while the apiserver cannot be reached;
 * - `410 Gone` (the resourceVersion is too old) triggers a relist, and the cache is reconciled with the new
 *   list, so deletions missed while disconnected are still reported;
 * - a watch that stays silent longer than `stallTimeoutMs` (no events and no bookmarks, which the server
 *   sends about once a minute when asked) is treated as dead and restarted;
 * - every `resyncPeriodMs` each cached object is handed to the update handlers again (level-triggered
 *   controllers re-check the world).
 * Written on client-node's list and Watch: client-node's own informer stops on errors and needs restarting
 * from outside, and detects neither stalls nor missed deletions.
 */
import { KubernetesObjectApi, Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { collectionPath, objectKey, type ResourceType } from './resource-path.js';

export interface InformerOptions<T extends KubernetesObject = KubernetesObject> {
  readonly kubeConfig: KubeConfig;
  readonly type: ResourceType;
  /** Watch one namespace; all namespaces when absent. */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Re-deliver every cached object to update handlers this often; 0 (default) never. */
  readonly resyncPeriodMs?: number;
  /** Restart a watch that has been silent this long (default 90 s; bookmarks arrive about every 60 s). */
  readonly stallTimeoutMs?: number;
  /** Longest wait between reconnection attempts (default 30 s). */
  readonly maxBackoffMs?: number;
  /** Where problems are reported (the informer itself never throws them). */
  readonly onError?: (error: unknown) => void;
  /**
   * Applied to every object before it is cached and handed to handlers, e.g. to drop what the controller
   * never reads (`managedFields`, a pod's spec): at thousands of objects that is most of the memory.
   */
  readonly transform?: (object: T) => T;
}

export type InformerEvent = 'add' | 'update' | 'delete';
type Handler<T> = (object: T, old?: T) => void;

interface WatchEvent {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  readonly object: KubernetesObject & { code?: number; message?: string };
}

const INITIAL_BACKOFF_MS = 200;

export class Informer<T extends KubernetesObject = KubernetesObject> {
  private readonly cache = new Map<string, T>();
  private readonly handlers: Record<InformerEvent, Handler<T>[]> = { add: [], update: [], delete: [] };
  private resourceVersion = '';
  private synced = false;
  private stopped = true;
  private abort: AbortController | undefined;
  private stallTimer: NodeJS.Timeout | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private backoffMs = INITIAL_BACKOFF_MS;
  private readonly syncWaiters: (() => void)[] = [];
  /** Watches (re)started and relists done, for tests and metrics. */
  readonly stats = { watches: 0, lists: 0, stalls: 0 };

  constructor(private readonly options: InformerOptions<T>) {}

  on(event: InformerEvent, handler: Handler<T>): this {
    this.handlers[event].push(handler);
    return this;
  }

  /** Starts listing and watching; resolves once the first list is in the cache. */
  start(): Promise<void> {
    if (this.stopped) {
      this.stopped = false;
      void this.relist();
      const resync = this.options.resyncPeriodMs ?? 0;
      if (resync > 0) {
        this.resyncTimer = setInterval(() => {
          for (const object of this.cache.values()) this.emit('update', object, object);
        }, resync);
      }
    }
    return this.waitForSync();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    clearTimeout(this.stallTimer);
    clearTimeout(this.retryTimer);
    clearInterval(this.resyncTimer);
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** The cached object with this key (`namespace/name`). */
  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  list(namespace?: string): T[] {
    const all = [...this.cache.values()];
    return namespace === undefined ? all : all.filter((object) => object.metadata?.namespace === namespace);
  }

  private emit(event: InformerEvent, object: T, old?: T): void {
    for (const handler of this.handlers[event]) {
      try {
        handler(object, old);
      } catch (error) {
        this.options.onError?.(error);
      }
    }
  }

  /** Lists everything and reconciles the cache with it, then watches from the list's resourceVersion. */
  private async relist(): Promise<void> {
    if (this.stopped) return;
    try {
      const client = KubernetesObjectApi.makeApiClient(this.options.kubeConfig);
      const list = await client.list<T>(
        this.options.type.apiVersion,
        this.options.type.kind,
        this.options.namespace,
        undefined,
        undefined,
        undefined,
        this.options.fieldSelector,
        this.options.labelSelector,
      );
      this.stats.lists++;
      const seen = new Set<string>();
      for (const item of list.items) {
        // List items carry no apiVersion/kind; give them the type's, as watch events have.
        const object = this.transformed({
          apiVersion: this.options.type.apiVersion,
          kind: this.options.type.kind,
          ...item,
        });
        const key = objectKey(object);
        seen.add(key);
        const old = this.cache.get(key);
        this.cache.set(key, object);
        if (!old) this.emit('add', object);
        else if (old.metadata?.resourceVersion !== object.metadata?.resourceVersion)
          this.emit('update', object, old);
      }
      for (const [key, old] of this.cache) {
        if (seen.has(key)) continue;
        this.cache.delete(key);
        this.emit('delete', old);
      }
      this.resourceVersion = list.metadata?.resourceVersion ?? '';
      this.markSynced();
      this.backoffMs = INITIAL_BACKOFF_MS;
      await this.watch();
    } catch (error) {
      this.options.onError?.(error);
      this.retry(() => this.relist());
    }
  }

  private markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    for (const resolve of this.syncWaiters.splice(0)) resolve();
  }

  private async watch(): Promise<void> {
    if (this.stopped) return;
    this.stats.watches++;
    const path = collectionPath(this.options.type, this.options.namespace);
    let gone = false;
    let ended = false;
    const end = (error: unknown) => {
      if (ended) return;
      ended = true;
      clearTimeout(this.stallTimer);
      if (this.stopped) return;
      if (error) this.options.onError?.(error);
      if (gone) this.retry(() => this.relist(), 0);
      else this.retry(() => this.watch());
    };
    this.armStallTimer();
    try {
      const watch = new Watch(this.options.kubeConfig);
      // client-node aborts a watch that has been silent for 30 s, but the API server sends bookmarks only
      // about once a minute, so quiet collections would restart every 30 s; the stall timer decides instead.
      (watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs = this.stallTimeoutMs + 10_000;
      this.abort = await watch.watch(
        path,
        {
          resourceVersion: this.resourceVersion,
          allowWatchBookmarks: true,
          labelSelector: this.options.labelSelector,
          fieldSelector: this.options.fieldSelector,
        },
        (type: string, object: WatchEvent['object']) => {
          this.armStallTimer();
          this.backoffMs = INITIAL_BACKOFF_MS;
          if (type === 'ERROR') {
            if (object.code === 410) gone = true;
            else this.options.onError?.(new Error(`watch ${path}: ${object.message ?? 'error event'}`));
            return;
          }
          this.apply({ type: type as WatchEvent['type'], object });
        },
        end,
      );
    } catch (error) {
      end(error);
    }
  }

  private apply(event: WatchEvent): void {
    const version = event.object.metadata?.resourceVersion;
    if (version) this.resourceVersion = version;
    if (event.type === 'BOOKMARK') return;
    const object = this.transformed(event.object as unknown as T);
    const key = objectKey(object);
    const old = this.cache.get(key);
    if (event.type === 'DELETED') {
      this.cache.delete(key);
      this.emit('delete', object);
    } else {
      this.cache.set(key, object);
      if (old) this.emit('update', object, old);
      else this.emit('add', object);
    }
  }

  private transformed(object: T): T {
    return this.options.transform ? this.options.transform(object) : object;
  }

  private get stallTimeoutMs(): number {
    return this.options.stallTimeoutMs ?? 90_000;
  }

  private armStallTimer(): void {
    clearTimeout(this.stallTimer);
    this.stallTimer = setTimeout(() => {
      this.stats.stalls++;
      this.options.onError?.(
        new Error(`watch of ${this.options.type.plural} silent for too long; restarting it`),
      );
      this.abort?.abort();
    }, this.stallTimeoutMs);
    this.stallTimer.unref();
  }

  private retry(action: () => Promise<void>, delayMs = this.backoffMs): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      void action();
    }, delayMs);
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 30_000);
  }
}
