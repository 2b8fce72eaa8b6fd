/**
 * How an event on a watched object becomes keys of a controller's queue — controller-runtime's `For`,
 * `Owns` and `Watches` with a map function.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { objectKey, type ResourceType } from '../informer/resource-path.js';

export type KeyMapper<T extends KubernetesObject = KubernetesObject> = (object: T) => Iterable<string>;

/** The object itself (`For`). */
export const selfKey: KeyMapper = (object) => [objectKey(object)];

function group(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * The owner named by the object's *controller* ownerReference, when it is of `owner`'s group and kind
 * (`Owns`). Owners live in the object's namespace: cross-namespace owner references are not allowed.
 */
export function controllerOwnerKey(owner: ResourceType): KeyMapper {
  const ownerGroup = group(owner.apiVersion);
  return (object) => {
    const reference = object.metadata?.ownerReferences?.find((ref) => ref.controller === true);
    if (!reference || reference.kind !== owner.kind || group(reference.apiVersion) !== ownerGroup) return [];
    const namespace = object.metadata?.namespace;
    return [namespace ? `${namespace}/${reference.name}` : reference.name];
  };
}
