/**
 * The containerds the shim is tested under: Debian's 1.6.20 (the machine's package) and the pinned 1.7 and
 * 2.x releases that real nodes run, built from the Go module proxy into the tool cache on first use.
 */
import { binaryPath, containerdTool, ensureTool, Versions } from '@spinkube/test-cluster';
import { DEBIAN_CONTAINERD } from '../containerd/containerd-process.ts';
import type { ContainerdFlavor } from './shim-under-containerd.ts';

export const DEBIAN_CONTAINERD_FLAVOR: ContainerdFlavor = {
  label: "Debian's containerd 1.6",
  binaries: () => Promise.resolve(DEBIAN_CONTAINERD),
};

export function pinnedContainerd(version: string): ContainerdFlavor {
  return {
    label: `containerd ${version}`,
    async binaries() {
      const tool = await ensureTool(containerdTool(version), (line) => {
        process.stderr.write(`[containerd ${version}] ${line}\n`);
      });
      return { containerd: binaryPath(tool, 'containerd'), ctr: binaryPath(tool, 'ctr') };
    },
  };
}

export const CONTAINERD_1_FLAVOR = pinnedContainerd(Versions.containerd1);
export const CONTAINERD_2_FLAVOR = pinnedContainerd(Versions.containerd2);
