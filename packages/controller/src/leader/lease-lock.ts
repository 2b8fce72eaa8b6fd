/**
 * Where a leader election keeps its record: one coordination.k8s.io/v1 Lease. Writes are guarded by the
 * resourceVersion the writer last read, so of two candidates racing for the same lease the apiserver lets
 * exactly one win and answers the other 409 Conflict (or 409 AlreadyExists when both try to create it).
 */
import { CoordinationV1Api, type KubeConfig, type V1Lease, type V1LeaseSpec } from '@kubernetes/client-node';
import { abortableRequest, statusCode } from './api-request.js';

export interface LeaseLock {
  /** `namespace/name`, for messages. */
  readonly description: string;
  /** The lease, or undefined when it does not exist. */
  get(signal: AbortSignal): Promise<V1Lease | undefined>;
  /** Creates the lease with `spec`; rejects with a 409 error when it already exists. */
  create(spec: V1LeaseSpec, signal: AbortSignal): Promise<V1Lease>;
  /** Writes `spec` over `current`, rejecting with a 409 error if the lease changed since `current` was read. */
  update(current: V1Lease, spec: V1LeaseSpec, signal: AbortSignal): Promise<V1Lease>;
}

export function leaseLock(kubeConfig: KubeConfig, namespace: string, name: string): LeaseLock {
  const api = kubeConfig.makeApiClient(CoordinationV1Api);
  return {
    description: `${namespace}/${name}`,
    async get(signal) {
      try {
        return await api.readNamespacedLease({ name, namespace }, abortableRequest(signal));
      } catch (error) {
        if (statusCode(error) === 404) return undefined;
        throw error;
      }
    },
    create(spec, signal) {
      return api.createNamespacedLease(
        {
          namespace,
          body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec },
        },
        abortableRequest(signal),
      );
    },
    update(current, spec, signal) {
      // The resourceVersion travels with the metadata; managedFields need not make the round trip.
      const { managedFields: _managedFields, ...metadata } = current.metadata ?? {};
      const body: V1Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { ...metadata, name, namespace },
        spec,
      };
      return api.replaceNamespacedLease({ name, namespace, body }, abortableRequest(signal));
    },
  };
}

/** Whether a failed write lost a race: another candidate wrote (or created) the lease first. */
export function isConflict(error: unknown): boolean {
  return statusCode(error) === 409;
}
