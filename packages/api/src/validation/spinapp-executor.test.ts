import { describe, expect, it } from 'vitest';
import type { ExecutorDeploymentConfig, SpinAppExecutor } from '../types/spinapp-executor.js';
import { spinAppExecutorInvalidMessage, validateSpinAppExecutor } from './spinapp-executor.js';

const executor = (deploymentConfig?: ExecutorDeploymentConfig): SpinAppExecutor => ({
  metadata: { name: 'executor' },
  spec: deploymentConfig ? { createDeployment: true, deploymentConfig } : { createDeployment: false },
});

describe('SpinAppExecutor validation (upstream rules and messages)', () => {
  it('accepts a shim executor, a spintainer executor and one without deploymentConfig', () => {
    expect(validateSpinAppExecutor(executor({ runtimeClassName: 'wasmtime-spin-v2' }))).toEqual([]);
    expect(validateSpinAppExecutor(executor({ spinImage: 'ghcr.io/fermyon/spin:v2.7.0' }))).toEqual([]);
    expect(validateSpinAppExecutor(executor())).toEqual([]);
  });

  it('rejects runtimeClassName together with spinImage', () => {
    const errors = validateSpinAppExecutor(executor({ runtimeClassName: 'foo', spinImage: 'bar' }));
    expect(errors.map(String)).toEqual([
      'spec.deploymentConfig.runtimeClassName: Invalid value: "foo": runtimeClassName and spinImage are mutually exclusive',
    ]);
  });

  it('rejects a deploymentConfig with neither, printing the missing value as null', () => {
    const errors = validateSpinAppExecutor(executor({ installDefaultCACerts: true }));
    expect(spinAppExecutorInvalidMessage(executor(), errors)).toBe(
      'SpinAppExecutor.core.spinkube.dev "executor" is invalid: spec.deploymentConfig.runtimeClassName: Invalid value: ' +
        'null: either runtimeClassName or spinImage must be set',
    );
  });
});
