/**
 * Which SpinApps an event on another object concerns. Upstream watches none of these, so a changed
 * executor, runtime-config Secret or ConfigMap, CA Secret or pod went unnoticed until something else
 * touched the app; here each maps to the apps that read it.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { Labels, PlatformNames, type SpinApp, type SpinAppExecutor } from '@spinkube/api';
import type { KeyMapper } from '@spinkube/controller';
import { referencedObjects } from '../render/resolve-runtime-config.js';

type AppLister = (namespace: string) => readonly SpinApp[];
type ExecutorLister = (namespace: string) => readonly SpinAppExecutor[];

const keyOf = (app: SpinApp) => `${app.metadata?.namespace ?? ''}/${app.metadata?.name ?? ''}`;

/** Apps in the executor's namespace that name it. */
export function appsUsingExecutor(apps: AppLister): KeyMapper {
  return (executor) => {
    const namespace = executor.metadata?.namespace ?? '';
    const name = executor.metadata?.name;
    return apps(namespace)
      .filter((app) => app.spec?.executor === name)
      .map(keyOf);
  };
}

/**
 * Apps that read a Secret or ConfigMap: through runtimeConfig values or `loadFromSecret`, or (Secrets) as
 * the CA bundle of their executor.
 */
export function appsReadingObject(
  kind: 'Secret' | 'ConfigMap',
  apps: AppLister,
  executors: ExecutorLister,
): KeyMapper {
  return (object: KubernetesObject) => {
    const namespace = object.metadata?.namespace ?? '';
    const name = object.metadata?.name ?? '';
    const caUsers = new Set<string>();
    if (kind === 'Secret') {
      for (const executor of executors(namespace)) {
        const config = executor.spec?.deploymentConfig;
        const caSecret =
          config?.caCertSecret || (config?.installDefaultCACerts ? PlatformNames.defaultCaSecret : '');
        if (caSecret === name) caUsers.add(executor.metadata?.name ?? '');
      }
    }
    return apps(namespace)
      .filter(
        (app) =>
          caUsers.has(app.spec?.executor ?? '') ||
          (kind === 'Secret' && app.spec?.runtimeConfig?.loadFromSecret === name) ||
          referencedObjects(app.spec?.runtimeConfig).some((ref) => ref.kind === kind && ref.name === name),
      )
      .map(keyOf);
  };
}

/** The app a pod belongs to, by its `core.spinkube.dev/app-name` label. */
export const appOfPod: KeyMapper = (pod) => {
  const app = pod.metadata?.labels?.[Labels.appName];
  return app ? [`${pod.metadata?.namespace ?? ''}/${app}`] : [];
};

/** The executor an app names, so a deletion blocked on dependents resumes as soon as the last one goes. */
export const executorOfApp: KeyMapper<SpinApp> = (app) => {
  const executor = app.spec?.executor;
  return executor ? [`${app.metadata?.namespace ?? ''}/${executor}`] : [];
};
