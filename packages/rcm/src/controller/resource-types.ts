/** The resources the runtime-class-manager reads and writes, as the controller kit names them. */
import { apiVersionOf, ShimResource } from '@spinkube/api';
import type { ResourceType } from '@spinkube/controller';

export const ResourceTypes = {
  shim: { apiVersion: apiVersionOf(ShimResource), kind: ShimResource.kind, plural: ShimResource.plural },
  node: { apiVersion: 'v1', kind: 'Node', plural: 'nodes' },
  job: { apiVersion: 'batch/v1', kind: 'Job', plural: 'jobs' },
  runtimeClass: { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass', plural: 'runtimeclasses' },
} as const satisfies Record<string, ResourceType>;
