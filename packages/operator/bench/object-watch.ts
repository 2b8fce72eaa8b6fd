/**
 * The benchmark's eyes: a watch on one collection that hands every event to `onEvent` with the time it
 * arrived, and picks up from the last resourceVersion when the API server ends it or it goes quiet.
 */
import { Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';

export type WatchHandler<T> = (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: T, at: number) => void;

export interface ObjectWatch {
  stop(): void;
}

export async function watchObjects<T extends KubernetesObject>(
  kubeConfig: KubeConfig,
  path: string,
  onEvent: WatchHandler<T>,
  onError: (error: unknown) => void,
): Promise<ObjectWatch> {
  let stopped = false;
  let resourceVersion: string | undefined;
  let abort: AbortController | undefined;
  const start = async (): Promise<void> => {
    abort = await new Watch(kubeConfig).watch(
      path,
      { allowWatchBookmarks: true, ...(resourceVersion ? { resourceVersion } : {}) },
      (type: string, object: T) => {
        const at = performance.now();
        resourceVersion = object.metadata?.resourceVersion ?? resourceVersion;
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') onEvent(type, object, at);
        else if (type === 'ERROR') onError(new Error(`watch ${path}: ${JSON.stringify(object)}`));
      },
      (error: unknown) => {
        if (stopped) return;
        // client-node ends a watch silent for 30 s with a TimeoutError; like an end, that is no failure.
        if (error && (error as { name?: unknown }).name !== 'TimeoutError') onError(error);
        else start().catch(onError);
      },
    );
  };
  await start();
  return {
    stop: () => {
      stopped = true;
      abort?.abort();
    },
  };
}
