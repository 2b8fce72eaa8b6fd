/**
 * SpinKube's CRDs (SpinApp, SpinAppExecutor, Shim) from the repository's chart, created in a test cluster
 * the way the API server sees them from `kubectl apply`, and waited for until Established.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiextensionsV1Api,
  loadYaml,
  type KubeConfig,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';

const CRD_DIR = join(import.meta.dirname, '..', '..', '..', 'charts', 'spinkube-crds', 'templates');
const ESTABLISHED_TIMEOUT_MS = 10_000;

/** Creates SpinKube's CRDs (one that exists is left as it is) and waits until each is Established. */
export async function installSpinKubeCrds(kubeConfig: KubeConfig): Promise<void> {
  const extensions = kubeConfig.makeApiClient(ApiextensionsV1Api);
  // loadYaml keeps `default` and x-kubernetes-* fields that a plain YAML parse into the typed model loses.
  const crds = readdirSync(CRD_DIR)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => loadYaml<V1CustomResourceDefinition>(readFileSync(join(CRD_DIR, file), 'utf8')));
  for (const crd of crds) {
    await extensions.createCustomResourceDefinition({ body: crd }).catch((error: unknown) => {
      if ((error as { code?: number }).code !== 409) throw error;
    });
  }
  for (const crd of crds) {
    const name = crd.metadata?.name ?? '';
    const deadline = Date.now() + ESTABLISHED_TIMEOUT_MS;
    for (;;) {
      const read = await extensions.readCustomResourceDefinition({ name });
      if (read.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline)
        throw new Error(`CRD ${name} not Established after ${String(ESTABLISHED_TIMEOUT_MS / 1000)} s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
