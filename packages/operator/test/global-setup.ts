/** One real cluster for the operator's tests, with the SpinKube CRDs installed before any test runs. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ApiextensionsV1Api, loadYaml, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { loadKubeConfig } from '@spinkube/test-cluster';
import { clusterGlobalSetup } from '@spinkube/test-cluster/vitest';
import type { TestProject } from 'vitest/node';

const cluster = clusterGlobalSetup('spinkube-operator-test');
const crdDir = join(import.meta.dirname, '..', '..', '..', 'charts', 'spinkube-crds', 'templates');

export async function setup(project: TestProject): Promise<void> {
  await cluster.setup(project);
  const extensions = loadKubeConfig(project.getProvidedContext().kubeconfigPath).makeApiClient(
    ApiextensionsV1Api,
  );
  for (const file of readdirSync(crdDir).filter((f) => f.endsWith('.yaml'))) {
    // loadYaml keeps `default` and x-kubernetes-* fields that a plain YAML parse into the typed model loses.
    const crd = loadYaml<V1CustomResourceDefinition>(readFileSync(join(crdDir, file), 'utf8'));
    await extensions.createCustomResourceDefinition({ body: crd }).catch((error: unknown) => {
      if ((error as { code?: number }).code !== 409) throw error;
    });
  }
  for (const file of readdirSync(crdDir).filter((f) => f.endsWith('.yaml'))) {
    const name =
      loadYaml<V1CustomResourceDefinition>(readFileSync(join(crdDir, file), 'utf8')).metadata?.name ?? '';
    for (let i = 0; i < 100; i++) {
      const read = await extensions.readCustomResourceDefinition({ name });
      if (read.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export const teardown = cluster.teardown;
