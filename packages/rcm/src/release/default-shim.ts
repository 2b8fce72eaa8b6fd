/**
 * The Shim a release installs by default: `spin-v2` on every Linux node (upstream's sample needs each node
 * labelled `spin=true` by hand), from the release's archive checked by its sha256, with the RuntimeClass
 * `wasmtime-spin-v2` that SpinApps run under, rolled out node by node.
 */
import { PlatformNames, RUNTIME_API_VERSION, ShimResource, type Shim } from '@spinkube/api';

export interface ReleasedArchive {
  /** uname's architecture name: `x86_64`, `aarch64`. */
  readonly arch: string;
  /** Where nodes download it: https://…, or oci://registry/repository:tag. */
  readonly location: string;
  readonly sha256: string;
}

export function defaultShim(archives: readonly ReleasedArchive[]): Shim {
  return {
    apiVersion: RUNTIME_API_VERSION,
    kind: ShimResource.kind,
    metadata: { name: PlatformNames.shim },
    spec: {
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      fetchStrategy: {
        platforms: archives.map((archive) => ({
          os: 'linux' as const,
          arch: archive.arch as 'x86_64' | 'aarch64',
          location: archive.location,
          sha256: archive.sha256,
        })),
      },
      runtimeClass: { name: PlatformNames.runtimeClass, handler: PlatformNames.runtimeHandler },
      rolloutStrategy: { type: 'rolling', rolling: { maxUpdate: 1 } },
    },
  };
}
