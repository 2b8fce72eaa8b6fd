/** The resources spin-operator watches, as the informers address them. */
import { apiVersionOf, SpinAppExecutorResource, SpinAppResource } from '@spinkube/api';
import type { ResourceType } from '@spinkube/controller';

export const ResourceTypes = {
  spinApp: { apiVersion: apiVersionOf(SpinAppResource), kind: 'SpinApp', plural: 'spinapps' },
  executor: {
    apiVersion: apiVersionOf(SpinAppExecutorResource),
    kind: 'SpinAppExecutor',
    plural: 'spinappexecutors',
  },
  deployment: { apiVersion: 'apps/v1', kind: 'Deployment', plural: 'deployments' },
  service: { apiVersion: 'v1', kind: 'Service', plural: 'services' },
  secret: { apiVersion: 'v1', kind: 'Secret', plural: 'secrets' },
  configMap: { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps' },
  pod: { apiVersion: 'v1', kind: 'Pod', plural: 'pods' },
} as const satisfies Record<string, ResourceType>;
