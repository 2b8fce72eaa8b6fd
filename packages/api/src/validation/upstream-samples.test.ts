import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { upstreamFixtures } from '@spinkube/dev-cache';
import { PlatformNames } from '../constants.js';
import type { SpinAppExecutor } from '../types/spinapp-executor.js';
import type { SpinApp } from '../types/spinapp.js';
import { validateSpinAppExecutor } from './spinapp-executor.js';
import { validateSpinAppWithExecutor } from './spinapp.js';

interface AnyObject {
  kind?: string;
  metadata?: { name?: string };
}

// The samples of config/samples/ (not the README examples below elsewhere/).
const samples = await upstreamFixtures('spin-operator-samples');
const objects = samples.names
  .filter((file) => !file.includes('/'))
  .flatMap((file) =>
    parseAllDocuments(samples.text(file))
      .map((doc) => doc.toJS() as AnyObject | null)
      .filter((object): object is AnyObject => object !== null)
      .map((object) => ({ file, object })),
  );
const executors = objects
  .filter(({ object }) => object.kind === 'SpinAppExecutor')
  .map(({ object }) => object as SpinAppExecutor);
const apps = objects.filter(({ object }) => object.kind === 'SpinApp');

describe('upstream sample manifests', () => {
  it('include SpinApps and the executors they use', () => {
    expect(apps.length).toBeGreaterThanOrEqual(15);
    expect(executors.map((e) => e.metadata?.name)).toContain(PlatformNames.shimExecutor);
  });

  it.each(executors.map((e) => [e.metadata?.name, e] as const))('executor %s is valid', (_name, executor) => {
    expect(validateSpinAppExecutor(executor)).toEqual([]);
  });

  it.each(apps.map(({ file, object }) => [file, object as SpinApp] as const))(
    '%s: the SpinApp is valid with its executor installed',
    (_file, app) => {
      const executor = executors.find((e) => e.metadata?.name === app.spec?.executor);
      expect(executor, `no sample executor named ${app.spec?.executor ?? ''}`).toBeDefined();
      expect(validateSpinAppWithExecutor(app, executor).map(String)).toEqual([]);
    },
  );
});
