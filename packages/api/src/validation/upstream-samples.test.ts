import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { upstreamFixture } from '../../test/fixtures.js';
import { PlatformNames } from '../constants.js';
import type { SpinAppExecutor } from '../types/spinapp-executor.js';
import type { SpinApp } from '../types/spinapp.js';
import { validateSpinAppExecutor } from './spinapp-executor.js';
import { validateSpinAppWithExecutor } from './spinapp.js';

interface AnyObject {
  kind?: string;
  metadata?: { name?: string };
}

const samplesDir = upstreamFixture('spin-operator-samples');
const objects = readdirSync(samplesDir)
  .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(samplesDir, file), 'utf8'))
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
