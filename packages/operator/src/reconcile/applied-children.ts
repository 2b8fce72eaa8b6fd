/**
 * What this process last server-side applied for each child (Deployment, Service), so a reconcile can skip
 * an apply that would change nothing. Upstream re-applies on every reconcile; with a reconcile per pod and
 * status event that is most of the operator's API traffic at scale.
 *
 * An apply is skipped only when all of these hold: the rendered object is the same as last time, and the
 * cached child is the very object that apply produced, unchanged since — same uid, and (Deployments) the
 * same `generation` and the operator's labels and annotations still in place (others may add theirs, as the
 * controller-manager adds `deployment.kubernetes.io/revision`), or (objects without generation) the same
 * resourceVersion. Any edit by someone else to what the operator owns (`kubectl scale`, a removed label, a
 * deleted child) fails the check, and the next reconcile re-asserts the operator's fields exactly as
 * upstream's unconditional apply would.
 */
import { createHash } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';

interface Applied {
  readonly fingerprint: string;
  readonly uid: string;
  readonly generation: number | undefined;
  readonly resourceVersion: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

const keyOf = (object: KubernetesObject) =>
  `${object.kind ?? ''}/${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;

/** Every entry of `wanted` is in `actual` with the same value. */
const contains = (
  actual: Readonly<Record<string, string>> | undefined,
  wanted: Readonly<Record<string, string>>,
) => Object.entries(wanted).every(([key, value]) => actual?.[key] === value);

export class AppliedChildren {
  private readonly applied = new Map<string, Applied>();

  fingerprint(object: KubernetesObject): string {
    return createHash('sha256').update(JSON.stringify(object)).digest('base64');
  }

  unchanged(object: KubernetesObject, fingerprint: string, cached: KubernetesObject | undefined): boolean {
    const last = this.applied.get(keyOf(object));
    if (!last || !cached || last.fingerprint !== fingerprint || cached.metadata?.uid !== last.uid)
      return false;
    if (last.generation !== undefined) {
      return (
        cached.metadata.generation === last.generation &&
        contains(cached.metadata.labels, last.labels) &&
        contains(cached.metadata.annotations, last.annotations)
      );
    }
    return cached.metadata.resourceVersion === last.resourceVersion;
  }

  remember(object: KubernetesObject, fingerprint: string, result: KubernetesObject): void {
    this.applied.set(keyOf(object), {
      fingerprint,
      uid: result.metadata?.uid ?? '',
      generation: result.metadata?.generation,
      resourceVersion: result.metadata?.resourceVersion,
      labels: { ...object.metadata?.labels },
      annotations: { ...object.metadata?.annotations },
    });
  }

  forget(key: string): void {
    this.applied.delete(key);
  }

  /** Drops what was remembered for an app's children (the app is gone). */
  forgetApp(namespace: string, name: string): void {
    for (const kind of ['Deployment', 'Service']) this.applied.delete(`${kind}/${namespace}/${name}`);
  }
}
