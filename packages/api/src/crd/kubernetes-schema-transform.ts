/**
 * Turns a schema from the Kubernetes OpenAPI v3 document into the structural form a CRD embeds, following
 * the rules controller-gen applies when it inlines core/v1 types:
 * - references are inlined (CRD schemas cannot hold `$ref`);
 * - `IntOrString` and `Quantity` become `anyOf: [integer, string]` with `x-kubernetes-int-or-string`
 *   (and the quantity pattern);
 * - `enum` lists from Kubernetes `+enum` markers are dropped (controller-gen does not read that marker);
 * - strategic-merge-patch hints (`x-kubernetes-patch-*`) are dropped, as they mean nothing for custom
 *   resources;
 * - defaults that only restate a zero value where no `+default` marker can be (a required field, a list
 *   item, a map value, an inlined struct's `{}`) are dropped: the OpenAPI generator adds them, controller-gen
 *   does not;
 * - an embedded `ObjectMeta` is just `type: object`, as controller-gen writes it;
 * - two facts the OpenAPI document does not carry are restored from the Go sources (see the tables below).
 */
import { SpinKubeApiError } from '../errors.js';
import { QUANTITY_PATTERN } from '../schema/builders.js';
import type { JsonSchema } from './json-schema.js';
import type { OpenApiDocument } from './kubernetes-openapi.js';

const REF_PREFIX = '#/components/schemas/';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const DROPPED_EXTENSIONS = new Set([
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-unions',
]);

/**
 * Types that embed `LocalObjectReference`, which is `+structType=atomic`. controller-gen carries the embedded
 * type's marker over to the embedding type; the OpenAPI generator does not.
 */
const EMBEDS_ATOMIC_LOCAL_OBJECT_REFERENCE = new Set([
  'io.k8s.api.core.v1.ConfigMapVolumeSource',
  'io.k8s.api.core.v1.ConfigMapProjection',
  'io.k8s.api.core.v1.SecretProjection',
]);

/**
 * Defaults written in Go as `+default=ref(SomeConstant)`. controller-gen evaluates only literal defaults, so
 * CRDs built with it have none for these fields.
 */
const CONSTANT_REFERENCE_DEFAULTS = new Set([
  'io.k8s.api.core.v1.AzureDiskVolumeSource.cachingMode',
  'io.k8s.api.core.v1.AzureDiskVolumeSource.kind',
]);

export function structuralKubernetesSchema(document: OpenApiDocument, name: string): JsonSchema {
  return inlineDefinition(document, name, []);
}

function inlineDefinition(document: OpenApiDocument, name: string, stack: readonly string[]): JsonSchema {
  if (name === INT_OR_STRING) {
    return { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true };
  }
  if (name === QUANTITY) {
    return {
      anyOf: [{ type: 'integer' }, { type: 'string' }],
      pattern: QUANTITY_PATTERN,
      'x-kubernetes-int-or-string': true,
    };
  }
  if (name === OBJECT_META) return { type: 'object' };
  const definition = document.components.schemas[name];
  if (!definition) {
    throw new SpinKubeApiError(
      'KubernetesSchemaNotFound',
      `the Kubernetes OpenAPI document has no schema ${name}`,
    );
  }
  if (stack.includes(name)) {
    throw new SpinKubeApiError(
      'KubernetesSchemaNotFound',
      `${name} refers to itself (${[...stack, name].join(' → ')}); a recursive type cannot be inlined`,
    );
  }
  const schema = transform(document, definition, [...stack, name]);
  for (const property of Object.keys(schema.properties ?? {})) {
    if (CONSTANT_REFERENCE_DEFAULTS.has(`${name}.${property}`)) delete schema.properties?.[property]?.default;
  }
  if (EMBEDS_ATOMIC_LOCAL_OBJECT_REFERENCE.has(name)) schema['x-kubernetes-map-type'] = 'atomic';
  return schema;
}

function transform(document: OpenApiDocument, node: JsonSchema, stack: readonly string[]): JsonSchema {
  const reference = referenceOf(node);
  if (reference) {
    const inlined = inlineDefinition(document, reference, stack);
    // The referencing property documents the field; the referenced type documents the type.
    return node.description ? { ...inlined, description: node.description } : inlined;
  }

  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'enum' || DROPPED_EXTENSIONS.has(key)) continue;
    if (key === 'properties' || key === 'items' || key === 'additionalProperties' || key === 'default')
      continue;
    (out as Record<string, unknown>)[key] = value;
  }
  if (node.properties) {
    const required = new Set(node.required ?? []);
    out.properties = {};
    for (const [name, child] of Object.entries(node.properties)) {
      const property = transform(document, child, stack);
      out.properties[name] = required.has(name) ? withoutZeroDefault(property) : property;
    }
  }
  if (node.items) out.items = withoutZeroDefault(transform(document, node.items, stack));
  if (typeof node.additionalProperties === 'object') {
    out.additionalProperties = withoutZeroDefault(transform(document, node.additionalProperties, stack));
  } else if (node.additionalProperties !== undefined) {
    out.additionalProperties = node.additionalProperties;
  }
  if (node.default !== undefined && !isEmptyObject(node.default)) out.default = node.default;
  return out;
}

/** The definition a node points at: a bare `$ref`, or the `allOf: [{$ref}]` wrapper OpenAPI v3 uses. */
function referenceOf(node: JsonSchema): string | undefined {
  const ref = node.$ref ?? (node.allOf?.length === 1 ? node.allOf[0]?.$ref : undefined);
  if (ref === undefined) return undefined;
  if (!ref.startsWith(REF_PREFIX)) {
    throw new SpinKubeApiError('KubernetesSchemaNotFound', `unsupported reference ${ref}`);
  }
  return ref.slice(REF_PREFIX.length);
}

function withoutZeroDefault(schema: JsonSchema): JsonSchema {
  if (!isZeroValue(schema.default)) return schema;
  const { default: _zero, ...rest } = schema;
  return rest;
}

function isZeroValue(value: unknown): boolean {
  return value === '' || value === 0 || value === false || isEmptyObject(value);
}

function isEmptyObject(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0
  );
}
