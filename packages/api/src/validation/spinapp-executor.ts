/**
 * Validation of SpinAppExecutors, shared by the webhook and the CLI, with upstream's rules and messages.
 */
import { CORE_GROUP, Kinds } from '../constants.js';
import type { SpinAppExecutor } from '../types/spinapp-executor.js';
import { FieldError, invalidMessage, invalidStatus, type InvalidStatus } from './field-error.js';

export const SpinAppExecutorGroupKind = { group: CORE_GROUP, kind: Kinds.SpinAppExecutor } as const;

export const SpinAppExecutorMessages = {
  mutuallyExclusive: 'runtimeClassName and spinImage are mutually exclusive',
  neitherSet: 'either runtimeClassName or spinImage must be set',
} as const;

export function validateSpinAppExecutor(executor: SpinAppExecutor): FieldError[] {
  const config = executor.spec?.deploymentConfig;
  if (!config) return [];
  const path = 'spec.deploymentConfig.runtimeClassName';
  const { runtimeClassName, spinImage } = config;
  if (runtimeClassName !== undefined && spinImage !== undefined) {
    return [new FieldError(path, runtimeClassName, SpinAppExecutorMessages.mutuallyExclusive)];
  }
  if (runtimeClassName === undefined && spinImage === undefined) {
    return [new FieldError(path, null, SpinAppExecutorMessages.neitherSet)];
  }
  return [];
}

export const spinAppExecutorInvalidMessage = (
  executor: SpinAppExecutor,
  errors: readonly FieldError[],
): string => invalidMessage(SpinAppExecutorGroupKind, executor.metadata?.name ?? '', errors);

export const spinAppExecutorInvalidStatus = (
  executor: SpinAppExecutor,
  errors: readonly FieldError[],
): InvalidStatus => invalidStatus(SpinAppExecutorGroupKind, executor.metadata?.name ?? '', errors);
