/** The REST path of a resource collection: `/api/v1/namespaces/x/pods`, `/apis/apps/v1/deployments`. */

export interface ResourceType {
  /** `v1`, `apps/v1`, `core.spinkube.dev/v1alpha1`. */
  readonly apiVersion: string;
  readonly kind: string;
  /** Lower-case plural: `spinapps`, `deployments`. */
  readonly plural: string;
}

export function collectionPath(type: ResourceType, namespace?: string): string {
  const base = type.apiVersion.includes('/') ? `/apis/${type.apiVersion}` : `/api/${type.apiVersion}`;
  const scope = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${scope}/${type.plural}`;
}

/** The cache key of an object: `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(object: { metadata?: { namespace?: string; name?: string } }): string {
  const name = object.metadata?.name ?? '';
  const namespace = object.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}
