/** Ready-made typed clients for the three SpinKube kinds. */
import type { KubeConfig } from '@kubernetes/client-node';
import { ShimResource, SpinAppExecutorResource, SpinAppResource } from '../resources.js';
import type { Shim } from '../types/shim.js';
import type { SpinAppExecutor } from '../types/spinapp-executor.js';
import type { SpinApp } from '../types/spinapp.js';
import { ResourceClient } from './resource-client.js';

export interface SpinKubeClients {
  spinApps: ResourceClient<SpinApp>;
  spinAppExecutors: ResourceClient<SpinAppExecutor>;
  shims: ResourceClient<Shim>;
}

export function spinKubeClients(kubeConfig: KubeConfig): SpinKubeClients {
  return {
    spinApps: new ResourceClient<SpinApp>(kubeConfig, SpinAppResource),
    spinAppExecutors: new ResourceClient<SpinAppExecutor>(kubeConfig, SpinAppExecutorResource),
    shims: new ResourceClient<Shim>(kubeConfig, ShimResource),
  };
}
