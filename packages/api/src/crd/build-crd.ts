/**
 * Builds CustomResourceDefinition objects from the declarations in `definitions.ts`. Pure: the Kubernetes
 * schemas that the types refer to come in through `resolveKubernetesSchema`.
 */
import { kubernetesSchemaRef } from '../schema/builders.js';
import { apiVersionOf, crdNameOf } from '../resources.js';
import type { CrdDefinition } from './definitions.js';
import type { JsonSchema } from './json-schema.js';

export type KubernetesSchemaResolver = (definition: string) => JsonSchema;

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string };
    scope: 'Namespaced' | 'Cluster';
    versions: CrdVersion[];
  };
}

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  additionalPrinterColumns?: { name: string; type: string; jsonPath: string; priority?: number }[];
  schema: { openAPIV3Schema: JsonSchema };
  subresources: { status?: Record<string, never>; scale?: Record<string, string> };
}

/** Annotation naming the generator, so nobody edits the YAML by hand. */
export const GENERATED_BY_ANNOTATION = 'spinkube.dev/generated-by';

export function buildCrd(
  definition: CrdDefinition,
  resolve: KubernetesSchemaResolver,
): CustomResourceDefinition {
  const { resource } = definition;
  const version: CrdVersion = {
    name: resource.version,
    served: true,
    storage: true,
    schema: { openAPIV3Schema: structuralSchema(definition.schema, resolve) },
    subresources: {},
  };
  if (definition.printerColumns.length > 0) {
    version.additionalPrinterColumns = definition.printerColumns.map((column) => ({ ...column }));
  }
  if (definition.subresources.status) version.subresources.status = {};
  if (definition.subresources.scale) version.subresources.scale = { ...definition.subresources.scale };

  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: crdNameOf(resource),
      labels: { 'app.kubernetes.io/part-of': 'spinkube' },
      annotations: {
        [GENERATED_BY_ANNOTATION]: `@spinkube/api (${apiVersionOf(resource)} ${resource.kind})`,
        // Deleting a CRD deletes every object of its kind: `helm uninstall` must not do that.
        'helm.sh/resource-policy': 'keep',
      },
    },
    spec: {
      group: resource.group,
      names: {
        kind: resource.kind,
        listKind: resource.listKind,
        plural: resource.plural,
        singular: resource.singular,
      },
      scope: resource.namespaced ? 'Namespaced' : 'Cluster',
      versions: [version],
    },
  };
}

/**
 * The TypeBox schema as plain JSON (TypeBox's symbol-keyed metadata does not survive `JSON.stringify`),
 * with Kubernetes placeholders inlined and keys in a canonical order.
 */
export function structuralSchema(schema: unknown, resolve: KubernetesSchemaResolver): JsonSchema {
  const plain = JSON.parse(JSON.stringify(schema)) as JsonSchema;
  return canonical(inlineKubernetesSchemas(plain, resolve));
}

function inlineKubernetesSchemas(node: JsonSchema, resolve: KubernetesSchemaResolver): JsonSchema {
  const ref = kubernetesSchemaRef(node);
  if (ref !== undefined) {
    const resolved = resolve(ref);
    return node.description ? { ...resolved, description: node.description } : resolved;
  }
  const out: JsonSchema = { ...node };
  if (node.properties) {
    out.properties = Object.fromEntries(
      Object.entries(node.properties).map(([name, child]) => [name, inlineKubernetesSchemas(child, resolve)]),
    );
  }
  if (node.items) out.items = inlineKubernetesSchemas(node.items, resolve);
  if (typeof node.additionalProperties === 'object') {
    out.additionalProperties = inlineKubernetesSchemas(node.additionalProperties, resolve);
  }
  return out;
}

/** Keywords and properties sorted alphabetically, `required` sorted, empty `required` removed. */
function canonical(node: JsonSchema): JsonSchema {
  const entries = Object.entries(node).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    if (key === 'properties') {
      const properties = value as Record<string, JsonSchema>;
      out[key] = Object.fromEntries(
        Object.keys(properties)
          .sort()
          .map((name) => [name, canonical(properties[name] as JsonSchema)]),
      );
    } else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object')) {
      out[key] = canonical(value as JsonSchema);
    } else if (key === 'anyOf') {
      out[key] = (value as JsonSchema[]).map(canonical);
    } else if (key === 'required') {
      const required = [...(value as string[])].sort();
      if (required.length > 0) out[key] = required;
    } else {
      out[key] = value;
    }
  }
  return out;
}
