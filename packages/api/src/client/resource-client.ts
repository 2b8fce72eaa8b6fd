/**
 * Typed access to SpinKube objects over `@kubernetes/client-node`: read, list, create, replace, server-side
 * apply, status patch and delete, with the group/version/plural taken from the resource descriptor so
 * callers never spell them.
 */
import {
  ApiException,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { apiVersionOf, type ResourceDescriptor } from '../resources.js';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ApplyOptions {
  /** Field manager that owns the applied fields, e.g. `spin-operator`. */
  fieldManager: string;
  /** Take over fields other managers own (upstream's controllers always force). */
  force?: boolean;
}

interface ObjectHeader {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

/** A typed client for one kind. `T` is the object type, e.g. `SpinApp`. */
export class ResourceClient<T extends KubernetesObject> {
  private readonly objects: KubernetesObjectApi;
  private readonly custom: CustomObjectsApi;

  constructor(
    kubeConfig: KubeConfig,
    readonly resource: ResourceDescriptor,
  ) {
    this.objects = KubernetesObjectApi.makeApiClient(kubeConfig);
    this.custom = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  /** The object, or `undefined` if it does not exist. */
  async get(name: string, namespace?: string): Promise<T | undefined> {
    try {
      return await this.objects.read<T>(this.header(name, namespace));
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** All objects of the kind in `namespace`, or in every namespace when it is omitted. */
  async list(namespace?: string, options: ListOptions = {}): Promise<T[]> {
    const items: T[] = [];
    let continueToken: string | undefined;
    do {
      const page = await this.objects.list<T>(
        apiVersionOf(this.resource),
        this.resource.kind,
        namespace,
        undefined,
        undefined,
        undefined,
        options.fieldSelector,
        options.labelSelector,
        500,
        continueToken,
      );
      items.push(...page.items);
      continueToken = page.metadata?._continue || undefined;
    } while (continueToken);
    return items;
  }

  async create(object: T): Promise<T> {
    return this.objects.create<T>(this.withTypeMeta(object));
  }

  async replace(object: T): Promise<T> {
    return this.objects.replace<T>(this.withTypeMeta(object));
  }

  /** Server-side apply: the fields in `object` become owned by `fieldManager`. */
  async apply(object: T, options: ApplyOptions): Promise<T> {
    return this.objects.patch<T>(
      this.withTypeMeta(object),
      undefined,
      undefined,
      options.fieldManager,
      options.force ?? false,
      PatchStrategy.ServerSideApply,
    );
  }

  /** Merge-patches the status subresource (the object's spec is untouched). */
  async patchStatus(name: string, namespace: string | undefined, status: unknown): Promise<T> {
    const { group, version, plural } = this.resource;
    const body = { status };
    const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const result: unknown = this.resource.namespaced
      ? await this.custom.patchNamespacedCustomObjectStatus(
          { group, version, plural, name, namespace: requireNamespace(this.resource, namespace), body },
          mergePatch,
        )
      : await this.custom.patchClusterCustomObjectStatus({ group, version, plural, name, body }, mergePatch);
    return result as T;
  }

  /** Deletes the object; returns false if it did not exist. */
  async delete(name: string, namespace?: string): Promise<boolean> {
    try {
      await this.objects.delete(this.header(name, namespace));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** The REST path of the collection, as list/watch (and informers) use it. */
  collectionPath(namespace?: string): string {
    return resourcePath(this.resource, namespace);
  }

  private header(name: string, namespace?: string): ObjectHeader {
    const metadata = this.resource.namespaced
      ? { name, namespace: requireNamespace(this.resource, namespace) }
      : { name };
    return { apiVersion: apiVersionOf(this.resource), kind: this.resource.kind, metadata };
  }

  private withTypeMeta(object: T): T {
    return { ...object, apiVersion: apiVersionOf(this.resource), kind: this.resource.kind };
  }
}

/** `/apis/<group>/<version>[/namespaces/<ns>]/<plural>` */
export function resourcePath(resource: ResourceDescriptor, namespace?: string): string {
  const base = `/apis/${resource.group}/${resource.version}`;
  return resource.namespaced && namespace
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${resource.plural}`
    : `${base}/${resource.plural}`;
}

/** Whether an error from client-node is the API server's 404. */
export function isNotFound(error: unknown): boolean {
  return error instanceof ApiException && error.code === 404;
}

function requireNamespace(resource: ResourceDescriptor, namespace: string | undefined): string {
  if (!namespace) throw new TypeError(`${resource.kind} is namespaced: a namespace is required`);
  return namespace;
}
