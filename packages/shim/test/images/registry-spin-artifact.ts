/**
 * A Spin app pushed to a local registry with @spinkube/runtime's `pushApp` (what `spin registry push`
 * does) and fetched by containerd over plain http. `ctr content fetch` stores the content and the image
 * record without unpacking: `ctr images pull` would fail at unpack, as a Spin artifact has no tar layers.
 */
import { loadManifest, pushApp } from '@spinkube/runtime';
import type { Containerd } from '../containerd/containerd-process.ts';
import type { ImportedImage } from './import-image.ts';
import type { RunningRegistry } from '@spinkube/test-cluster';

/** Pushes `appDir` as `<registry>/<repository>:<tag>` and fetches it into `containerd`. */
export async function pullSpinArtifactFromRegistry(
  containerd: Containerd,
  registry: RunningRegistry,
  appDir: string,
  repository: string,
  tag = 'latest',
): Promise<ImportedImage> {
  const name = `${registry.host}/${repository}:${tag}`;
  const digest = await pushApp(await loadManifest(appDir), name);
  await containerd.ctrOk(['content', 'fetch', '--plain-http', '--all-platforms', name], {
    timeoutMs: 120_000,
  });
  return { name, digest };
}
