/** One real cluster (etcd, kube-apiserver, controller-manager, scheduler, kwok) for this package's tests. */
import { clusterGlobalSetup } from '@spinkube/test-cluster/vitest';

export const { setup, teardown } = clusterGlobalSetup('spinkube-controller-test');
