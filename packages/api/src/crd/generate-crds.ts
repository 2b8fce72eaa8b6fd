/** Renders every SpinKube CRD to YAML text, keyed by file name. */
import { buildCrd } from './build-crd.js';
import { ALL_CRDS } from './definitions.js';
import { loadCoreV1OpenApi, type OpenApiDocument } from './kubernetes-openapi.js';
import { structuralKubernetesSchema } from './kubernetes-schema-transform.js';
import { renderCrdYaml } from './render-yaml.js';

/** Where the generated CRDs live, relative to the repository root: the chart that installs them. */
export const CRD_OUTPUT_DIR = 'charts/spinkube-crds/templates';

export function generateCrdFiles(document: OpenApiDocument = loadCoreV1OpenApi()): Map<string, string> {
  const resolve = (name: string) => structuralKubernetesSchema(document, name);
  return new Map(
    ALL_CRDS.map((definition) => [definition.fileName, renderCrdYaml(buildCrd(definition, resolve))]),
  );
}
