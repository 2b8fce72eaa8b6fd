/** One real cluster for the operator's tests, with the SpinKube CRDs installed before any test runs. */
import { installSpinKubeCrds, loadKubeConfig } from '@spinkube/test-cluster';
import { clusterGlobalSetup } from '@spinkube/test-cluster/vitest';
import type { TestProject } from 'vitest/node';

const cluster = clusterGlobalSetup('spinkube-operator-test');

export async function setup(project: TestProject): Promise<void> {
  await cluster.setup(project);
  await installSpinKubeCrds(loadKubeConfig(project.getProvidedContext().kubeconfigPath));
}

export const teardown = cluster.teardown;
