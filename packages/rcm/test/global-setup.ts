/** One real cluster (kwok nodes) for the runtime-class-manager's tests, with SpinKube's CRDs installed. */
import { installSpinKubeCrds, loadKubeConfig } from '@spinkube/test-cluster';
import { clusterGlobalSetup } from '@spinkube/test-cluster/vitest';
import type { TestProject } from 'vitest/node';

const cluster = clusterGlobalSetup('spinkube-rcm-test');

export async function setup(project: TestProject): Promise<void> {
  await cluster.setup(project);
  await installSpinKubeCrds(loadKubeConfig(project.getProvidedContext().kubeconfigPath));
}

export const teardown = cluster.teardown;
