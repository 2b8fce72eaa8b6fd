/**
 * The manager runs a controller process the way controller-runtime's does: shared informers (one per
 * resource type, on every replica), controllers that run only on the elected leader, runnables such as a
 * webhook server that run on every replica, `/metrics`, `/healthz` and `/readyz`, and a graceful shutdown
 * that drains reconciles in flight before releasing the Lease.
 */
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { shareConnections } from '../client/shared-connections.js';
import { Controller, type ControllerOptions } from '../controller/controller.js';
import { informersSynced } from '../health/checks.js';
import { HealthProbeServer } from '../health/health-probe-server.js';
import { Informer } from '../informer/informer.js';
import { objectKey, type ResourceType } from '../informer/resource-path.js';
import { LeaderElector } from '../leader/leader-elector.js';
import { silentLogger, type Logger } from '../log/logger.js';
import { ControllerMetrics } from '../metrics/controller-metrics.js';
import { startMetricsServer, type RunningMetricsServer } from '../metrics/metrics-server.js';
import { controllerOwnerKey, selfKey, type KeyMapper } from './event-mappers.js';

export interface LeaderElectionConfig {
  /** Namespace of the Lease (the controller's own). */
  readonly namespace: string;
  /** The election id: the Lease's name. */
  readonly id: string;
  readonly identity?: string;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
}

export interface ManagerOptions {
  readonly kubeConfig: KubeConfig;
  readonly logger?: Logger;
  /** `--metrics-bind-address` (default `:8080`; `0` disables). */
  readonly metricsBindAddress?: string;
  /** `--health-probe-bind-address` (default `:8081`; `0` disables). */
  readonly healthProbeBindAddress?: string;
  /** Run controllers only while holding this Lease; without it every replica runs them. */
  readonly leaderElection?: LeaderElectionConfig;
  /** How long a stop waits for reconciles and runnables to finish (default 30 s, as controller-runtime). */
  readonly gracefulShutdownTimeoutMs?: number;
  /** Watch one namespace instead of all. */
  readonly namespace?: string;
  /** Re-deliver every cached object to controllers this often (default 10 h, controller-runtime's SyncPeriod). */
  readonly resyncPeriodMs?: number;
  /** Restart a watch silent for this long (default 90 s). */
  readonly watchStallTimeoutMs?: number;
  readonly metrics?: ControllerMetrics;
}

export interface Runnable {
  readonly name: string;
  /** Resolves once running; `stop` is called at shutdown. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Controllers do; servers (webhooks) run on every replica. */
  readonly needLeaderElection?: boolean;
}

export interface ControllerRegistration<T extends KubernetesObject> extends Omit<
  ControllerOptions,
  'metrics' | 'logger'
> {
  /** The primary resource: its own events enqueue it. */
  readonly for: ResourceType;
  /** Children whose controller ownerReference names a primary object. */
  readonly owns?: readonly ResourceType[];
  /** Other resources, with how an event on one maps to primary keys. */
  readonly watches?: readonly {
    readonly type: ResourceType;
    readonly map: KeyMapper;
    /** Watch only objects with these labels (shares the informer created with the same selector). */
    readonly labelSelector?: string;
    /** Watch this namespace only (e.g. the controller's own, where it creates Jobs). */
    readonly namespace?: string;
  }[];
  /** Only used for typing the primary informer. */
  readonly _type?: T;
}

const DEFAULT_RESYNC_MS = 10 * 60 * 60 * 1000;

export class Manager {
  readonly metrics: ControllerMetrics;
  readonly health: HealthProbeServer;
  readonly logger: Logger;
  private readonly informers = new Map<string, Informer>();
  private readonly controllers: { controller: Controller; primary: Informer }[] = [];
  private readonly runnables: Runnable[] = [];
  private elector: LeaderElector | undefined;
  private metricsServer: RunningMetricsServer | undefined;
  private leading = false;

  constructor(private readonly options: ManagerOptions) {
    // Every client built from this KubeConfig (informers, reconcilers, recorders) shares connections.
    shareConnections(options.kubeConfig);
    this.logger = options.logger ?? silentLogger();
    this.metrics = options.metrics ?? new ControllerMetrics();
    this.health = new HealthProbeServer({
      ...(options.healthProbeBindAddress === undefined
        ? {}
        : { bindAddress: options.healthProbeBindAddress }),
    });
  }

  get kubeConfig(): KubeConfig {
    return this.options.kubeConfig;
  }

  /** True while this replica runs the controllers (always, without leader election, once started). */
  get isLeader(): boolean {
    return this.leading;
  }

  /**
   * The shared informer for a type (created on first use; started by `start()`). A label selector narrows
   * what is cached (e.g. only pods of apps); the same type with another selector is another informer. A
   * namespace narrows a namespaced type to one namespace, for a manager that watches every namespace.
   */
  informer<T extends KubernetesObject>(
    type: ResourceType,
    options: { labelSelector?: string; namespace?: string; transform?: (object: T) => T } = {},
  ): Informer<T> {
    const namespace = options.namespace ?? this.options.namespace;
    const id = `${type.apiVersion}/${namespace ? `namespaces/${namespace}/` : ''}${type.plural}${options.labelSelector ? `?${options.labelSelector}` : ''}`;
    let informer = this.informers.get(id);
    if (!informer) {
      const log = this.logger.child({ logger: 'informer', resource: type.plural });
      informer = new Informer({
        kubeConfig: this.options.kubeConfig,
        type,
        ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
        ...(namespace ? { namespace } : {}),
        resyncPeriodMs: this.options.resyncPeriodMs ?? DEFAULT_RESYNC_MS,
        ...(this.options.watchStallTimeoutMs ? { stallTimeoutMs: this.options.watchStallTimeoutMs } : {}),
        // As controller-runtime's cache: managedFields are never read by reconcilers and are often half an
        // object's size. A type's first caller decides any further transform.
        transform: (object: KubernetesObject) => {
          const transform = options.transform as ((object: KubernetesObject) => KubernetesObject) | undefined;
          return stripManagedFields(transform ? transform(object) : object);
        },
        onError: (error) => {
          log.warn({ error: error instanceof Error ? error.message : String(error) }, 'watch problem');
        },
      });
      this.informers.set(id, informer);
    }
    return informer as unknown as Informer<T>;
  }

  /** Adds a controller whose queue is fed by its primary, owned and watched resources. */
  addController<T extends KubernetesObject>(registration: ControllerRegistration<T>): Controller {
    const controller = new Controller({
      ...registration,
      metrics: this.metrics,
      logger: this.logger.child({ logger: 'controller' }),
    });
    const feed = (type: ResourceType, map: KeyMapper, labelSelector?: string, namespace?: string) => {
      const enqueue = (object: KubernetesObject) => {
        if (!controller.running) return;
        for (const key of map(object)) controller.enqueue(key);
      };
      const informer = this.informer(type, {
        ...(labelSelector ? { labelSelector } : {}),
        ...(namespace ? { namespace } : {}),
      });
      informer.on('add', enqueue).on('update', enqueue).on('delete', enqueue);
    };
    feed(registration.for, selfKey);
    for (const owned of registration.owns ?? []) feed(owned, controllerOwnerKey(registration.for));
    for (const watch of registration.watches ?? [])
      feed(watch.type, watch.map, watch.labelSelector, watch.namespace);
    this.controllers.push({ controller, primary: this.informer(registration.for) });
    return controller;
  }

  add(runnable: Runnable): void {
    this.runnables.push(runnable);
  }

  /**
   * Runs until `signal` aborts (then resolves after a graceful stop), or rejects when leadership is lost or
   * a runnable fails to start — a controller must then exit, as upstream's does.
   */
  async start(signal: AbortSignal): Promise<void> {
    const log = this.logger.child({ logger: 'manager' });
    const shutdownMs = this.options.gracefulShutdownTimeoutMs ?? 30_000;
    this.health.addReadyzCheck(
      'informers',
      informersSynced(Object.fromEntries([...this.informers].map(([id, informer]) => [id, informer]))),
    );
    this.metricsServer = await startMetricsServer({
      registry: this.metrics.registry,
      ...(this.options.metricsBindAddress === undefined
        ? {}
        : { bindAddress: this.options.metricsBindAddress }),
      onError: (error) => {
        log.error({ error: String(error) }, 'metrics server error');
      },
    });
    if (this.metricsServer) log.info({ url: this.metricsServer.url }, 'Serving metrics server');
    const probes = await this.health.start();
    if (probes) log.info({ port: probes.port }, 'Serving health probes');

    const started: Runnable[] = [];
    let failure: Error | undefined;
    try {
      for (const runnable of this.runnables.filter((r) => !r.needLeaderElection)) {
        await runnable.start();
        started.push(runnable);
        log.info({ runnable: runnable.name }, 'Started');
      }
      log.info({ count: this.informers.size }, 'Starting informers');
      await Promise.race([
        Promise.all([...this.informers.values()].map((informer) => informer.start())),
        aborted(signal),
      ]);
      if (!signal.aborted) {
        log.info('Informers synced');
        await this.runLeaderWork(signal, started, shutdownMs, log);
      }
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    } finally {
      await this.shutDown(started, shutdownMs, log);
    }
    if (failure) throw failure;
  }

  private async runLeaderWork(
    signal: AbortSignal,
    started: Runnable[],
    shutdownMs: number,
    log: Logger,
  ): Promise<void> {
    const election = this.options.leaderElection;
    if (!election) {
      this.leading = true;
      await this.runControllers(signal, started, shutdownMs);
      return;
    }
    log.info({ lease: `${election.namespace}/${election.id}` }, 'Attempting to acquire leader lease');
    const elector = new LeaderElector({
      kubeConfig: this.options.kubeConfig,
      namespace: election.namespace,
      name: election.id,
      ...(election.identity ? { identity: election.identity } : {}),
      ...(election.leaseDurationMs ? { leaseDurationMs: election.leaseDurationMs } : {}),
      ...(election.renewDeadlineMs ? { renewDeadlineMs: election.renewDeadlineMs } : {}),
      ...(election.retryPeriodMs ? { retryPeriodMs: election.retryPeriodMs } : {}),
      onError: (error) => {
        log.warn(
          { error: error instanceof Error ? error.message : String(error) },
          'leader election problem',
        );
      },
    });
    this.elector = elector;
    this.health.addHealthzCheck('leaderElection', elector.healthCheck());
    const ended = { lost: false };
    const stopOnAbort = () => void elector.stop();
    signal.addEventListener('abort', stopOnAbort, { once: true });
    try {
      await elector.run({
        onStartedLeading: async (leaderSignal) => {
          log.info({ lease: `${election.namespace}/${election.id}` }, 'Successfully acquired lease');
          this.leading = true;
          await this.runControllers(AbortSignal.any([signal, leaderSignal]), started, shutdownMs);
        },
        onStoppedLeading: (reason) => {
          this.leading = false;
          if (reason === 'lost') ended.lost = true;
        },
        onNewLeader: (identity) => {
          log.info({ identity }, 'New leader elected');
        },
      });
    } finally {
      signal.removeEventListener('abort', stopOnAbort);
    }
    if (ended.lost && !signal.aborted) throw new Error('leader election lost');
  }

  private async runControllers(signal: AbortSignal, started: Runnable[], shutdownMs: number): Promise<void> {
    for (const runnable of this.runnables.filter((r) => r.needLeaderElection)) {
      if (signal.aborted) break;
      await runnable.start();
      started.push(runnable);
    }
    await Promise.all(
      this.controllers.map(({ controller, primary }) =>
        controller.run(
          signal,
          primary.list().map((object) => objectKey(object)),
          shutdownMs,
        ),
      ),
    );
  }

  private async shutDown(started: Runnable[], shutdownMs: number, log: Logger): Promise<void> {
    log.info('Stopping and waiting for runnables');
    this.leading = false;
    await this.elector?.stop();
    await Promise.race([
      Promise.allSettled(started.reverse().map((runnable) => runnable.stop())),
      delay(shutdownMs),
    ]);
    for (const informer of this.informers.values()) informer.stop();
    await this.health.stop();
    await this.metricsServer?.close();
    log.info('Stopped');
  }
}

export function stripManagedFields<T extends KubernetesObject>(object: T): T {
  if (!object.metadata?.managedFields) return object;
  const { managedFields: _dropped, ...metadata } = object.metadata;
  return { ...object, metadata };
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else
      signal.addEventListener(
        'abort',
        () => {
          resolve();
        },
        { once: true },
      );
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
