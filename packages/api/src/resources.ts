/**
 * The REST coordinates of each SpinKube resource, shared by the CRD generator and the typed clients.
 */
import { API_VERSION_V1ALPHA1, CORE_GROUP, Kinds, RUNTIME_GROUP, type KindName } from './constants.js';

export interface ResourceDescriptor {
  readonly group: string;
  readonly version: string;
  readonly kind: KindName;
  readonly listKind: string;
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
}

export const SpinAppResource: ResourceDescriptor = {
  group: CORE_GROUP,
  version: API_VERSION_V1ALPHA1,
  kind: Kinds.SpinApp,
  listKind: 'SpinAppList',
  plural: 'spinapps',
  singular: 'spinapp',
  namespaced: true,
};

export const SpinAppExecutorResource: ResourceDescriptor = {
  group: CORE_GROUP,
  version: API_VERSION_V1ALPHA1,
  kind: Kinds.SpinAppExecutor,
  listKind: 'SpinAppExecutorList',
  plural: 'spinappexecutors',
  singular: 'spinappexecutor',
  namespaced: true,
};

export const ShimResource: ResourceDescriptor = {
  group: RUNTIME_GROUP,
  version: API_VERSION_V1ALPHA1,
  kind: Kinds.Shim,
  listKind: 'ShimList',
  plural: 'shims',
  singular: 'shim',
  namespaced: false,
};

export const apiVersionOf = (resource: ResourceDescriptor): string => `${resource.group}/${resource.version}`;
export const crdNameOf = (resource: ResourceDescriptor): string => `${resource.plural}.${resource.group}`;
