/**
 * One app as a worker thread holds it: each component's glue and instance factory, the import object its
 * instances get, and the stores it opened. Host calls go through the app's own scoped caller, so main
 * answers them with that app's handlers (its outbound service, its shared stores). `close()` lets go of
 * everything, so an app removed from a shared pool leaves nothing behind but the glue module itself,
 * which Node cannot unload (it is shared by every app built from the same component, and reused if one
 * comes back).
 */
import { InstanceFactory, type ComponentInstance } from '../component/component-instance.js';
import { createHostImports } from '../host/host-imports.js';
import { parseAllowedHost } from '../outbound/allowed-hosts.js';
import type { KeyValueStore } from '../stores/key-value-store.js';
import { remoteKeyValueStore } from '../stores/remote-key-value.js';
import { SqliteDatabase } from '../stores/sqlite-database.js';
import { sqliteKeyValueStore } from '../stores/sqlite-key-value.js';
import { outboundClient } from './outbound-client.js';
import type { HostCaller } from './sync-call.js';
import type { AppCode, ComponentPlan } from './worker-protocol.js';

export interface LoadedComponent {
  readonly factory: InstanceFactory;
  readonly imports: object;
  /** An instance made ahead of the next request, off its critical path; used once, then replaced. */
  spare?: ComponentInstance | undefined;
}

export interface WorkerApp {
  readonly components: ReadonlyMap<string, LoadedComponent>;
  /** Releases the spare instances and closes the stores this worker opened for the app. */
  close(): void;
}

type Log = (stream: 'stdout' | 'stderr', line: string) => void;

export async function loadWorkerApp(app: AppCode, caller: HostCaller, log: Log): Promise<WorkerApp> {
  const keyValueStores = new Map<string, KeyValueStore & { close?: () => void }>();
  const databases = new Map<string, SqliteDatabase>();

  /** A store opened once per worker: `spin` stores here, shared ones through the main thread. */
  const keyValueStore = (label: string): KeyValueStore | 'no-such-store' => {
    let store = keyValueStores.get(label);
    if (!store) {
      const config = app.stores.keyValueStores.get(label);
      if (!config) return 'no-such-store';
      store =
        config.type === 'spin' ? sqliteKeyValueStore(config.path, label) : remoteKeyValueStore(caller, label);
      keyValueStores.set(label, store);
    }
    return store;
  };
  const database = (label: string): SqliteDatabase | 'no-such-database' => {
    let db = databases.get(label);
    if (!db) {
      const config = app.stores.sqliteDatabases.get(label);
      if (!config) return 'no-such-database';
      db = new SqliteDatabase(config.path);
      databases.set(label, db);
    }
    return db;
  };

  const components = new Map<string, LoadedComponent>();
  const close = () => {
    for (const component of components.values()) component.spare?.release();
    components.clear();
    for (const store of keyValueStores.values()) store.close?.();
    for (const db of databases.values()) db.close();
    keyValueStores.clear();
    databases.clear();
  };
  try {
    for (const plan of app.components) {
      components.set(plan.id, await loadComponent(plan, caller, log, keyValueStore, database));
    }
  } catch (error) {
    close();
    throw error;
  }
  return { components, close };
}

async function loadComponent(
  plan: ComponentPlan,
  caller: HostCaller,
  log: Log,
  keyValueStore: (label: string) => KeyValueStore | 'no-such-store',
  database: (label: string) => SqliteDatabase | 'no-such-database',
): Promise<LoadedComponent> {
  const variables = new Map(plan.variables);
  const imports = createHostImports({
    componentId: plan.id,
    environment: new Map(plan.environment),
    stdout: (line) => {
      log('stdout', line);
    },
    stderr: (line) => {
      log('stderr', line);
    },
    variables: { get: (name) => variables.get(name), all: () => [...variables] },
    keyValue: {
      open: (label) => (plan.keyValueStores.includes(label) ? keyValueStore(label) : 'access-denied'),
    },
    files: plan.files,
    sqlite: { open: (label) => (plan.sqliteDatabases.includes(label) ? database(label) : 'access-denied') },
    outbound: {
      allowedHosts: plan.allowedOutboundHosts.flatMap((entry) => parseAllowedHost(entry)),
      client: outboundClient(caller, plan.id),
    },
  });
  const factory = await InstanceFactory.load(plan);
  // The first instance now: V8 compiles the glue and the import wrappers here instead of in the first
  // request. Instantiating runs no guest code that a request would not run anyway.
  return { factory, imports, spare: factory.instantiate(imports) };
}
