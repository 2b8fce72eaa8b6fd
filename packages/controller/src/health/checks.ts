/** Ready-made checks for the probes of a controller. */
import type { HealthCheck } from './health-probe-server.js';

/** Anything that knows whether its first list has been loaded, such as an `Informer`. */
export interface Syncable {
  readonly hasSynced: boolean;
}

/**
 * Ready once every informer has loaded its first list, so a new replica takes no traffic (webhooks) before
 * its caches can answer. Fails naming the informers still syncing: `informersSynced({ spinapps, deployments })`.
 */
export function informersSynced(informers: Readonly<Record<string, Syncable>>): HealthCheck {
  return () => {
    const waiting = Object.entries(informers)
      .filter(([, informer]) => !informer.hasSynced)
      .map(([name]) => name);
    if (waiting.length > 0) throw new Error(`informers not synced: ${waiting.join(', ')}`);
  };
}
