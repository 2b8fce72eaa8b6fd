/** SpinKube's CRDs from the chart, installed into a test cluster. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiextensionsV1Api,
  loadYaml,
  type KubeConfig,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';

const crdDir = join(import.meta.dirname, '..', '..', '..', 'charts', 'spinkube-crds', 'templates');

/** Creates SpinKube's CRDs (an existing one is left as it is) and waits until each is Established. */
export async function installCrds(kubeConfig: KubeConfig): Promise<void> {
  const extensions = kubeConfig.makeApiClient(ApiextensionsV1Api);
  const files = readdirSync(crdDir).filter((f) => f.endsWith('.yaml'));
  // loadYaml keeps `default` and x-kubernetes-* fields that a plain YAML parse into the typed model loses.
  const crds = files.map((file) =>
    loadYaml<V1CustomResourceDefinition>(readFileSync(join(crdDir, file), 'utf8')),
  );
  for (const crd of crds) {
    await extensions.createCustomResourceDefinition({ body: crd }).catch((error: unknown) => {
      if ((error as { code?: number }).code !== 409) throw error;
    });
  }
  for (const crd of crds) {
    const name = crd.metadata?.name ?? '';
    for (let i = 0; i < 100; i++) {
      const read = await extensions.readCustomResourceDefinition({ name });
      if (read.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
