/**
 * Which download of a Shim fits a node: `fetchStrategy.platforms` first (os compared case-insensitively,
 * arch as Go names it or as uname does), then the single-platform `anonHttp`.
 */
import type { ShimFetchStrategy } from '@spinkube/api';

export interface ShimArtifact {
  readonly location: string;
  readonly sha256?: string;
}

/** uname's spelling of each Go architecture name. */
const UNAME_ARCH: Readonly<Record<string, string>> = { amd64: 'x86_64', arm64: 'aarch64', arm: 'armv7l' };

/** An architecture in uname's spelling, whichever spelling it came in. */
export function normalizeArch(arch: string): string {
  const lower = arch.toLowerCase();
  return UNAME_ARCH[lower] ?? lower;
}

export function resolveArtifact(
  fetchStrategy: ShimFetchStrategy,
  node: { readonly operatingSystem: string; readonly architecture: string },
): ShimArtifact | undefined {
  const platform = fetchStrategy.platforms?.find(
    (candidate) =>
      candidate.os.toLowerCase() === node.operatingSystem.toLowerCase() &&
      normalizeArch(candidate.arch) === normalizeArch(node.architecture),
  );
  if (platform)
    return { location: platform.location, ...(platform.sha256 ? { sha256: platform.sha256 } : {}) };
  return fetchStrategy.anonHttp ? { location: fetchStrategy.anonHttp.location } : undefined;
}
