/**
 * The admission webhooks upstream spin-operator registers, with its names, paths, rules and messages
 * (reference §3): defaulting of `spec.executor` to the first executor by name across all namespaces, and
 * validation through `@spinkube/api`'s rules. One addition, documented in docs/compatibility.md: an
 * executor with `createDeployment: true` and no `deploymentConfig` is refused here, where upstream accepts
 * it and then fails every reconcile.
 */
import {
  FieldError,
  spinAppExecutorInvalidStatus,
  spinAppInvalidStatus,
  validateSpinApp,
  validateSpinAppExecutor,
  type ExecutorLookup,
  type SpinApp,
  type SpinAppExecutor,
} from '@spinkube/api';
import { jsonPatch, reviewResponse, type AdmissionHandler } from '@spinkube/controller';

export const WebhookPaths = {
  mutateSpinApp: '/mutate-core-spinkube-dev-v1alpha1-spinapp',
  mutateSpinAppExecutor: '/mutate-core-spinkube-dev-v1alpha1-spinappexecutor',
  validateSpinApp: '/validate-core-spinkube-dev-v1alpha1-spinapp',
  validateSpinAppExecutor: '/validate-core-spinkube-dev-v1alpha1-spinappexecutor',
} as const;

export const WebhookNames = {
  mutateSpinApp: 'mspinapp.kb.io',
  mutateSpinAppExecutor: 'mspinappexecutor.kb.io',
  validateSpinApp: 'vspinapp.kb.io',
  validateSpinAppExecutor: 'vspinappexecutor.kb.io',
} as const;

export const DEPLOYMENT_CONFIG_REQUIRED = 'deploymentConfig must be set when createDeployment is true';

export interface WebhookDependencies {
  /** Names of every SpinAppExecutor in the cluster (all namespaces, as upstream lists them). */
  readonly executorNames: () => Promise<readonly string[]>;
  /** The executor `namespace/name`, or undefined. */
  readonly executor: ExecutorLookup;
}

export function admissionHandlers(deps: WebhookDependencies): Record<string, AdmissionHandler> {
  return {
    [WebhookPaths.mutateSpinApp]: async (request) => {
      const app = request.object as SpinApp;
      if (app.spec?.executor) return reviewResponse(request, { allowed: true });
      let names: readonly string[];
      try {
        names = await deps.executorNames();
      } catch (error) {
        return reviewResponse(request, {
          allowed: false,
          status: { code: 500, message: error instanceof Error ? error.message : String(error) },
        });
      }
      const chosen = [...names].sort(compareStrings)[0];
      if (chosen === undefined) return reviewResponse(request, { allowed: true });
      const operation = app.spec
        ? { op: 'add', path: '/spec/executor', value: chosen }
        : { op: 'add', path: '/spec', value: { executor: chosen } };
      return reviewResponse(request, { allowed: true, ...jsonPatch([operation]) });
    },
    [WebhookPaths.mutateSpinAppExecutor]: (request) =>
      Promise.resolve(reviewResponse(request, { allowed: true })),
    [WebhookPaths.validateSpinApp]: async (request) => {
      const app = { ...(request.object as SpinApp) };
      app.metadata = { ...app.metadata, namespace: app.metadata?.namespace ?? request.namespace ?? '' };
      const errors = await validateSpinApp(app, deps.executor);
      return errors.length === 0
        ? reviewResponse(request, { allowed: true })
        : reviewResponse(request, { allowed: false, status: spinAppInvalidStatus(app, errors) });
    },
    [WebhookPaths.validateSpinAppExecutor]: (request) => {
      const executor = request.object as SpinAppExecutor;
      const errors = validateSpinAppExecutor(executor);
      if (errors.length === 0 && executor.spec?.createDeployment && !executor.spec.deploymentConfig) {
        errors.push(new FieldError('spec.deploymentConfig', null, DEPLOYMENT_CONFIG_REQUIRED));
      }
      return Promise.resolve(
        errors.length === 0
          ? reviewResponse(request, { allowed: true })
          : reviewResponse(request, {
              allowed: false,
              status: spinAppExecutorInvalidStatus(executor, errors),
            }),
      );
    },
  };
}

/** Go's strings.Compare: byte order, not locale order. */
function compareStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
