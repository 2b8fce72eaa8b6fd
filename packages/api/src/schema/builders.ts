/**
 * Schema builders on top of TypeBox for the shapes Kubernetes structural schemas need. Each builder returns
 * a TypeBox schema, so one declaration gives both the TypeScript type (`Static<…>`) and the OpenAPI v3
 * schema written into the CRD.
 */
import type { V1ObjectMeta } from '@kubernetes/client-node';
import { Type, type TSchema, type TUnsafe } from 'typebox';

/** Keyword marking a placeholder for a Kubernetes API schema, filled in by the CRD generator. */
export const K8S_SCHEMA_REF = 'x-spinkube-k8s-ref';

interface Doc {
  description?: string;
}

/** A 32-bit integer (`format: int32`), as Go's `int32`. */
export const int32 = (options: Doc & { default?: number; minimum?: number } = {}) =>
  Type.Integer({ format: 'int32', ...options });

/** A 64-bit integer (`format: int64`). */
export const int64 = (options: Doc & { minimum?: number } = {}) =>
  Type.Integer({ format: 'int64', ...options });

/** `map[string]string`: an object whose values are strings. */
export const stringMap = (options: Doc = {}) =>
  Type.Unsafe<Record<string, string>>({
    type: 'object',
    additionalProperties: { type: 'string' },
    ...options,
  });

/** The regular expression Kubernetes uses for `resource.Quantity` values in CRDs. */
export const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

/** A `resource.Quantity`: an integer or a string such as `128Mi`. */
export const quantity = (options: Doc = {}) =>
  Type.Unsafe<number | string>({
    anyOf: [{ type: 'integer' }, { type: 'string' }],
    pattern: QUANTITY_PATTERN,
    'x-kubernetes-int-or-string': true,
    ...options,
  });

/** `corev1.ResourceList`: resource names mapped to quantities. */
export const resourceList = (options: Doc = {}) =>
  Type.Unsafe<Record<string, number | string>>({
    type: 'object',
    additionalProperties: quantity(),
    ...options,
  });

/**
 * A schema taken from the Kubernetes OpenAPI document at generation time, e.g. `io.k8s.api.core.v1.Volume`.
 * `T` is the matching client type, so the TypeScript side stays exact without copying the schema here.
 */
export const kubernetesSchema = <T>(definition: string, options: Doc = {}): TUnsafe<Plain<T>> =>
  Type.Unsafe<Plain<T>>({ [K8S_SCHEMA_REF]: definition, ...options });

/** Reads the placeholder name from a schema node, if it is one. */
export function kubernetesSchemaRef(schema: unknown): string | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const ref = (schema as Record<string, unknown>)[K8S_SCHEMA_REF];
  return typeof ref === 'string' ? ref : undefined;
}

/** The three fields every Kubernetes object schema starts with. */
/**
 * A client-node model type as a plain object type. The models are classes, but objects read from YAML or
 * JSON are plain objects, which is what our types describe.
 */
export type Plain<T> = { [K in keyof T]: T[K] };

/** `metav1.ObjectMeta` as a plain object. */
export type ObjectMeta = Plain<V1ObjectMeta>;

/**
 * A top-level kind: the `apiVersion`/`kind`/`metadata` envelope plus optional `spec` and `status`.
 */
export const kindSchema = <Spec extends TSchema, Status extends TSchema>(
  spec: Spec,
  status: Status,
  description: string,
) =>
  Type.Object(
    {
      apiVersion: Type.Optional(
        Type.String({
          description: "The group and version of this object's schema, e.g. core.spinkube.dev/v1alpha1.",
        }),
      ),
      kind: Type.Optional(
        Type.String({ description: 'The kind of this object, in CamelCase, e.g. SpinApp.' }),
      ),
      metadata: Type.Optional(Type.Unsafe<ObjectMeta>({ type: 'object' })),
      spec: Type.Optional(spec),
      status: Type.Optional(status),
    },
    { description },
  );

export type { TSchema };

/** A string restricted to a fixed set of values (`type: string` + `enum`), typed as their union. */
export const stringEnum = <const T extends readonly string[]>(values: T, options: Doc = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
