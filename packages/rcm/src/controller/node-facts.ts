/**
 * What the manager needs of a Node: labels (selection and the `<shim>` state label), the revision
 * annotations, taints (for the Job's tolerations) and platform. The node informer keeps only these, so a
 * hundred nodes' images and conditions are not held in memory, and `relevantNodeChange` tells which
 * updates matter (kubelet heartbeats do not).
 */
import type { V1Node, V1Taint } from '@kubernetes/client-node';

export interface NodeFacts {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly taints: readonly V1Taint[];
  readonly operatingSystem: string;
  readonly architecture: string;
}

export function nodeFacts(node: V1Node): NodeFacts {
  return {
    name: node.metadata?.name ?? '',
    labels: node.metadata?.labels ?? {},
    annotations: node.metadata?.annotations ?? {},
    taints: node.spec?.taints ?? [],
    operatingSystem: node.status?.nodeInfo?.operatingSystem ?? '',
    architecture: node.status?.nodeInfo?.architecture ?? '',
  };
}

/** The informer's copy of a node: only the fields in NodeFacts. */
export function trimNode(node: V1Node): V1Node {
  const { name, uid, resourceVersion, labels, annotations } = node.metadata ?? {};
  const nodeInfo = node.status?.nodeInfo;
  return {
    ...(node.apiVersion ? { apiVersion: node.apiVersion } : {}),
    ...(node.kind ? { kind: node.kind } : {}),
    metadata: {
      ...(name ? { name } : {}),
      ...(uid ? { uid } : {}),
      ...(resourceVersion ? { resourceVersion } : {}),
      ...(labels ? { labels } : {}),
      ...(annotations ? { annotations } : {}),
    },
    ...(node.spec?.taints ? { spec: { taints: node.spec.taints } } : {}),
    // nodeInfo is small; conditions and images, which change or weigh most, are dropped.
    ...(nodeInfo ? { status: { nodeInfo } } : {}),
  };
}

/** Whether an update changes anything a Shim's rollout reads. */
export function relevantNodeChange(next: V1Node, previous: V1Node | undefined): boolean {
  if (!previous) return true;
  const a = nodeFacts(next);
  const b = nodeFacts(previous);
  return (
    JSON.stringify([a.labels, a.annotations, a.taints, a.operatingSystem, a.architecture]) !==
    JSON.stringify([b.labels, b.annotations, b.taints, b.operatingSystem, b.architecture])
  );
}

/** Upstream's `MatchingLabels`: every selector label present with the same value; no selector selects all. */
export function selectsNode(
  selector: Readonly<Record<string, string>> | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  return Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);
}
