/**
 * The Job that installs a shim on one node, or uninstalls it: upstream's exact shape (name, labels,
 * annotations, `nodeName`, `hostPID`, the node's root mounted at /mnt/node-root, the downloader as init
 * container, `install|uninstall -H /mnt/node-root -r <shim>`), plus, beyond upstream:
 * - tolerations for the node's NoSchedule and NoExecute taints, so that a tainted node is not skipped or its
 *   installer evicted (upstream sets none);
 * - `backoffLimit: 0`: a failed pod fails the Job at once and the manager retries with its own back-off
 *   (replacing the Job), so a bad download shows in the Shim's conditions within seconds, not after
 *   Kubernetes' six pod retries (about ten minutes);
 * - annotations `runtime.spinkube.dev/revision` (what is installed: location, sha256, options) and
 *   `runtime.spinkube.dev/attempt`, which the manager reads back to tell a stale Job and to back off.
 */
import type { V1Job, V1Taint, V1Toleration } from '@kubernetes/client-node';
import { Kinds, RUNTIME_API_VERSION, ShimJobKeys } from '@spinkube/api';
import { trimK8sName } from './k8s-name.js';
import type { ShimArtifact } from './node-platform.js';

export type NodeOperation = 'install' | 'uninstall';

export const HOST_ROOT = '/mnt/node-root';

/** Annotations the manager adds to upstream's (see above). */
export const JobAnnotations = {
  revision: 'runtime.spinkube.dev/revision',
  attempt: 'runtime.spinkube.dev/attempt',
} as const;
export const ASSET_DIR = '/assets';

/** The manager's environment that shapes every Job (upstream's variables). */
export interface JobSettings {
  /** `CONTROLLER_NAMESPACE` */
  readonly namespace: string;
  /** `SHIM_DOWNLOADER_IMAGE` */
  readonly downloaderImage: string;
  /** `SHIM_NODE_INSTALLER_IMAGE` */
  readonly installerImage: string;
  /** `SHIM_NODE_INSTALLER_JOB_TTL`: set as ttlSecondsAfterFinished when > 0. */
  readonly jobTtlSeconds?: number;
  /** `SHIM_DOWNLOADER_CONFIG_MAP`: the downloader's envFrom. */
  readonly downloaderConfigMap?: string;
}

export interface NodeJobInput {
  readonly operation: NodeOperation;
  readonly node: { readonly name: string; readonly taints?: readonly V1Taint[] };
  readonly shim: {
    readonly name: string;
    readonly uid: string;
    readonly containerdRuntimeOptions?: Readonly<Record<string, string>>;
  };
  /** Where the downloader fetches the shim (install only). */
  readonly artifact?: ShimArtifact;
  readonly settings: JobSettings;
  /** The install's revision (shimRevision); install only. */
  readonly revision?: string;
  /** 1 for a first try, counting up on each retry. */
  readonly attempt?: number;
}

export function nodeJobName(node: string, shim: string, operation: NodeOperation): string {
  return trimK8sName(`${node}-${shim}-${operation}`);
}

export function renderNodeJob(input: NodeJobInput): V1Job {
  const { operation, node, shim, settings } = input;
  const name = nodeJobName(node.name, shim.name, operation);
  const install = operation === 'install';
  if (install && !input.artifact)
    throw new Error(`an install Job for ${shim.name} on ${node.name} needs an artifact`);
  const ttl = settings.jobTtlSeconds ?? 0;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: settings.namespace,
      annotations: {
        [ShimJobKeys.nodeName]: node.name,
        [ShimJobKeys.shimName]: shim.name,
        [ShimJobKeys.operation]: operation,
        ...(input.revision ? { [JobAnnotations.revision]: input.revision } : {}),
        [JobAnnotations.attempt]: String(input.attempt ?? 1),
      },
      labels: {
        [name]: 'true',
        [ShimJobKeys.shimName]: shim.name,
        [ShimJobKeys.operation]: operation,
        [ShimJobKeys.job]: 'true',
      },
      ...(install
        ? {
            ownerReferences: [
              {
                apiVersion: RUNTIME_API_VERSION,
                kind: Kinds.Shim,
                name: shim.name,
                uid: shim.uid,
                controller: true,
                blockOwnerDeletion: true,
              },
            ],
          }
        : {}),
    },
    spec: {
      ...(ttl > 0 ? { ttlSecondsAfterFinished: ttl } : {}),
      backoffLimit: 0,
      template: {
        spec: {
          nodeName: node.name,
          hostPID: true,
          restartPolicy: 'Never',
          ...(tolerations(node.taints).length > 0 ? { tolerations: tolerations(node.taints) } : {}),
          volumes: [
            { name: 'shim-download', emptyDir: {} },
            { name: 'root-mount', hostPath: { path: '/' } },
          ],
          ...(install && input.artifact
            ? {
                initContainers: [
                  {
                    name: 'downloader',
                    image: settings.downloaderImage,
                    securityContext: { privileged: true },
                    env: [
                      { name: 'SHIM_NAME', value: shim.name },
                      { name: 'SHIM_LOCATION', value: input.artifact.location },
                      ...(input.artifact.sha256
                        ? [{ name: 'SHIM_SHA256', value: input.artifact.sha256 }]
                        : []),
                    ],
                    ...(settings.downloaderConfigMap
                      ? { envFrom: [{ configMapRef: { name: settings.downloaderConfigMap } }] }
                      : {}),
                    volumeMounts: [{ name: 'shim-download', mountPath: ASSET_DIR }],
                  },
                ],
              }
            : {}),
          containers: [
            {
              name: 'provisioner',
              image: settings.installerImage,
              args: [operation, '-H', HOST_ROOT, '-r', shim.name],
              securityContext: { privileged: true },
              env: [
                { name: 'HOST_ROOT', value: HOST_ROOT },
                ...(shim.containerdRuntimeOptions && Object.keys(shim.containerdRuntimeOptions).length > 0
                  ? [{ name: 'RUNTIME_OPTIONS', value: JSON.stringify(shim.containerdRuntimeOptions) }]
                  : []),
              ],
              volumeMounts: [
                { name: 'root-mount', mountPath: HOST_ROOT },
                { name: 'shim-download', mountPath: ASSET_DIR },
              ],
            },
          ],
        },
      },
    },
  };
}

/** One toleration per NoSchedule or NoExecute taint of the node, matching it exactly. */
function tolerations(taints: readonly V1Taint[] | undefined): V1Toleration[] {
  return (taints ?? [])
    .filter((taint) => taint.effect === 'NoSchedule' || taint.effect === 'NoExecute')
    .map((taint) => ({
      key: taint.key,
      operator: taint.value === undefined ? 'Exists' : 'Equal',
      ...(taint.value === undefined ? {} : { value: taint.value }),
      effect: taint.effect,
    }));
}
