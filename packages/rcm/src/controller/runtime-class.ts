/**
 * The RuntimeClass a Shim creates (upstream's shape: trimmed name, label `<name>: "true"`, the Shim as
 * controlling owner, the handler, the node selector as scheduling), kept up to date with the Shim —
 * upstream creates it once and never updates it. One addition: scheduling also requires
 * `<shim>=provisioned`, so a pod is placed only on a node where the shim is installed instead of failing
 * on one where it is still on its way (`no runtime for "spin-v2" is configured`).
 */
import type { V1RuntimeClass } from '@kubernetes/client-node';
import { Kinds, RUNTIME_API_VERSION, ShimNodeStates } from '@spinkube/api';
import { trimK8sName } from '../shim/k8s-name.js';
import type { SpecifiedShim } from './spec-problems.js';

export function renderRuntimeClass(shim: SpecifiedShim): V1RuntimeClass {
  const shimName = shim.metadata?.name ?? '';
  const name = trimK8sName(shim.spec.runtimeClass.name);
  return {
    apiVersion: 'node.k8s.io/v1',
    kind: 'RuntimeClass',
    metadata: {
      name,
      labels: { [name]: 'true' },
      ownerReferences: [
        {
          apiVersion: RUNTIME_API_VERSION,
          kind: Kinds.Shim,
          name: shimName,
          uid: shim.metadata?.uid ?? '',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    handler: shim.spec.runtimeClass.handler,
    scheduling: {
      nodeSelector: { ...(shim.spec.nodeSelector ?? {}), [shimName]: ShimNodeStates.provisioned },
    },
  };
}

/** Whether this Shim controls the RuntimeClass (by uid: a Shim deleted and created again is another). */
export function ownedBy(runtimeClass: V1RuntimeClass, shimUid: string): boolean {
  return (runtimeClass.metadata?.ownerReferences ?? []).some(
    (owner) => owner.controller === true && owner.kind === Kinds.Shim && owner.uid === shimUid,
  );
}

/** Whether the existing object already says what `desired` says. */
export function runtimeClassUpToDate(existing: V1RuntimeClass, desired: V1RuntimeClass): boolean {
  const labelsHeld = Object.entries(desired.metadata?.labels ?? {}).every(
    ([key, value]) => existing.metadata?.labels?.[key] === value,
  );
  return (
    labelsHeld &&
    existing.handler === desired.handler &&
    JSON.stringify(sorted(existing.scheduling?.nodeSelector)) ===
      JSON.stringify(sorted(desired.scheduling?.nodeSelector))
  );
}

function sorted(map: Record<string, string> | undefined): [string, string][] {
  return Object.entries(map ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
