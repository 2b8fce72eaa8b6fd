/**
 * The release archive as an OCI artifact in a real registry (Debian's docker-registry on loopback), fetched
 * back by the shim downloader from its `oci://` location and checked against the sha256 the default Shim
 * carries.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type RunningRegistry } from '@spinkube/test-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadShim } from '../src/downloader/download-shim.js';
import { shimArchive } from '../src/release/shim-archive.js';
import { pushShimArtifact, SHIM_ARCHIVE_LAYER, SHIM_ARTIFACT_TYPE } from '../src/release/shim-artifact.js';
import { RegistryClient } from '@spinkube/oci';

let registry: RunningRegistry;
const work = mkdtempSync(join(tmpdir(), 'rcm-artifact-'));
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(async () => {
  await registry.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('the shim as an OCI artifact', () => {
  it('is pushed as one tar.gz layer and downloaded from oci:// with its sha256 checked', async () => {
    const binary = Buffer.from('\u007fELF a shim for the registry');
    const archive = await shimArchive(binary, 'spin-v2', 'x86_64');
    const pushed = await pushShimArtifact(archive, `${registry.host}/spinkube/containerd-shim-spin-v2:test`);
    expect(pushed.reference).toBe(`oci://${registry.host}/spinkube/containerd-shim-spin-v2:test`);

    const manifest = JSON.parse(
      Buffer.from(
        (await new RegistryClient(registry.host, 'spinkube/containerd-shim-spin-v2').getManifest('test'))
          .bytes,
      ).toString(),
    ) as { artifactType: string; layers: { mediaType: string; size: number }[] };
    expect(manifest.artifactType).toBe(SHIM_ARTIFACT_TYPE);
    expect(manifest.layers).toEqual([
      expect.objectContaining({ mediaType: SHIM_ARCHIVE_LAYER, size: archive.bytes.length }),
    ]);

    const downloaded = await downloadShim({
      shimName: 'spin-v2',
      location: pushed.reference,
      sha256: pushed.sha256,
      retries: 0,
      retryDelayMs: 0,
      plainHttpRegistries: [],
      assetDir: work,
    });
    expect(downloaded.archiveSha256).toBe(pushed.sha256);
    expect(readFileSync(join(work, 'containerd-shim-spin-v2'))).toEqual(binary);
  });
});
