/**
 * Validation of SpinApps, shared by the operator's admission webhook and the CLI. Rules, order, field paths
 * and messages are upstream spin-operator's, so a manifest is refused here exactly where it is refused there.
 */
import { CORE_GROUP, Kinds } from '../constants.js';
import type { SpinAppExecutor } from '../types/spinapp-executor.js';
import type { SpinApp, SpinAppSpec } from '../types/spinapp.js';
import { FieldError, invalidMessage, invalidStatus, type InvalidStatus } from './field-error.js';
import { compareQuantities, formatQuantity, parseQuantity, type Quantity } from './quantity.js';

export const SpinAppGroupKind = { group: CORE_GROUP, kind: Kinds.SpinApp } as const;

export const SpinAppMessages = {
  executorNotSet:
    'executor must be set, likely no default executor was set because you have no executors installed',
  executorMissing: 'executor does not exist in namespace',
  replicasWithAutoscaling: 'replicas cannot be set when autoscaling is enabled',
  replicasNotPositive: 'replicas must be > 0',
  deploymentAnnotations:
    "deploymentAnnotations can't be set when the executor does not use operator deployments",
  podAnnotations: "podAnnotations can't be set when the executor does not use operator deployments",
  memoryNotQuantity: 'memory limit must be a valid memory quantity (e.g. 128Mi, 1Gi)',
  memoryAboveResources: (kind: 'limit' | 'request', constraint: string) =>
    `invocation limit quantity cannot be greater than the memory ${kind} (${constraint})`,
} as const;

/**
 * The executor named by the app, as the caller found it: the object, or `undefined` when the lookup in the
 * app's namespace failed. Not consulted when the app names no executor.
 */
export type ExecutorLookup = (namespace: string, name: string) => Promise<SpinAppExecutor | undefined>;

/** Every rule, in upstream's order, with the executor already looked up (`undefined`: not found). */
export function validateSpinAppWithExecutor(
  app: SpinApp,
  executor: SpinAppExecutor | undefined,
): FieldError[] {
  const spec: Partial<SpinAppSpec> = app.spec ?? {};
  const errors: FieldError[] = [];
  const executorName = spec.executor ?? '';
  const found = executorName === '' ? undefined : executor;
  if (executorName === '') {
    errors.push(new FieldError('spec.executor', executorName, SpinAppMessages.executorNotSet));
  } else if (!executor) {
    errors.push(new FieldError('spec.executor', executorName, SpinAppMessages.executorMissing));
  }
  const replicas = validateReplicas(spec);
  if (replicas) errors.push(replicas);
  const annotations = validateAnnotations(spec, found);
  if (annotations) errors.push(annotations);
  const limits = validateInvocationLimits(spec);
  if (limits) errors.push(limits);
  return errors;
}

/** Looks the executor up in the app's namespace, then applies every rule. */
export async function validateSpinApp(app: SpinApp, lookup: ExecutorLookup): Promise<FieldError[]> {
  const name = app.spec?.executor ?? '';
  let executor: SpinAppExecutor | undefined;
  if (name !== '') {
    try {
      executor = await lookup(app.metadata?.namespace ?? '', name);
    } catch {
      // Upstream treats every lookup error alike: the executor "does not exist in namespace".
      executor = undefined;
    }
  }
  return validateSpinAppWithExecutor(app, executor);
}

/** The message the API server shows for a refused SpinApp, e.g. `SpinApp.core.spinkube.dev "x" is invalid: …`. */
export const spinAppInvalidMessage = (app: SpinApp, errors: readonly FieldError[]): string =>
  invalidMessage(SpinAppGroupKind, app.metadata?.name ?? '', errors);

export const spinAppInvalidStatus = (app: SpinApp, errors: readonly FieldError[]): InvalidStatus =>
  invalidStatus(SpinAppGroupKind, app.metadata?.name ?? '', errors);

function validateReplicas(spec: Partial<SpinAppSpec>): FieldError | undefined {
  const replicas = spec.replicas ?? 0;
  if (spec.enableAutoscaling === true && replicas !== 0) {
    return new FieldError('spec.replicas', replicas, SpinAppMessages.replicasWithAutoscaling);
  }
  if (spec.enableAutoscaling !== true && replicas < 1) {
    return new FieldError('spec.replicas', replicas, SpinAppMessages.replicasNotPositive);
  }
  return undefined;
}

function validateAnnotations(
  spec: Partial<SpinAppSpec>,
  executor: SpinAppExecutor | undefined,
): FieldError | undefined {
  if (!executor || executor.spec?.createDeployment === true) return undefined;
  if (Object.keys(spec.deploymentAnnotations ?? {}).length > 0) {
    return new FieldError(
      'spec.deploymentAnnotations',
      spec.deploymentAnnotations,
      SpinAppMessages.deploymentAnnotations,
    );
  }
  if (Object.keys(spec.podAnnotations ?? {}).length > 0) {
    return new FieldError('spec.podAnnotations', spec.podAnnotations, SpinAppMessages.podAnnotations);
  }
  return undefined;
}

function validateInvocationLimits(spec: Partial<SpinAppSpec>): FieldError | undefined {
  const memory = spec.invocationLimits?.['memory'];
  if (memory === undefined) return undefined;
  const path = 'spec.invocationLimits[memory]';
  let limit: Quantity;
  try {
    limit = parseQuantity(memory);
  } catch {
    return new FieldError(path, memory, SpinAppMessages.memoryNotQuantity);
  }
  const constraint = memoryConstraint(spec);
  if (!constraint) return undefined;
  if (compareQuantities(limit, constraint.quantity) > 0) {
    return new FieldError(
      path,
      formatQuantity(limit),
      SpinAppMessages.memoryAboveResources(constraint.kind, formatQuantity(constraint.quantity)),
    );
  }
  return undefined;
}

/** The container's memory limit if set, else its memory request; upstream checks against that. */
function memoryConstraint(
  spec: Partial<SpinAppSpec>,
): { kind: 'limit' | 'request'; quantity: Quantity } | undefined {
  const limit = spec.resources?.limits?.['memory'];
  if (limit !== undefined) return { kind: 'limit', quantity: parseQuantity(String(limit)) };
  const request = spec.resources?.requests?.['memory'];
  if (request !== undefined) return { kind: 'request', quantity: parseQuantity(String(request)) };
  return undefined;
}
