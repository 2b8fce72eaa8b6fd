import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { extractShim } from '../downloader/extract-shim.js';
import { specProblems, type SpecifiedShim } from '../controller/spec-problems.js';
import { resolveArtifact } from '../shim/node-platform.js';
import { defaultShim } from './default-shim.js';
import { shimArchive, shimArchiveName, unameArch } from './shim-archive.js';

const binary = Buffer.from('\u007fELF pretend shim');

describe('release artifacts', () => {
  it("packs the shim under upstream's archive name, reproducibly, as the downloader reads it", async () => {
    const first = await shimArchive(binary, 'spin-v2', 'amd64');
    const second = await shimArchive(binary, 'spin-v2', 'x86_64');
    expect(first.fileName).toBe('containerd-shim-spin-v2-linux-x86_64.tar.gz');
    expect(createHash('sha256').update(first.bytes).digest('hex')).toBe(
      createHash('sha256').update(second.bytes).digest('hex'),
    );
    expect(await extractShim(first.bytes, 'spin-v2', first.fileName)).toEqual(binary);
    expect(shimArchiveName('spin-v2', 'arm64')).toBe('containerd-shim-spin-v2-linux-aarch64.tar.gz');
    expect(unameArch('x64')).toBe('x86_64');
    expect(unameArch('arm64')).toBe('aarch64');
  });

  it('makes a default Shim that is valid, selects every Linux node and resolves for amd64 nodes', () => {
    const shim = defaultShim([
      { arch: 'x86_64', location: 'https://example.test/a.tar.gz', sha256: 'f'.repeat(64) },
    ]) as SpecifiedShim;
    expect(shim.metadata?.name).toBe('spin-v2');
    expect(specProblems(shim)).toEqual([]);
    expect(shim.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(shim.spec.runtimeClass).toEqual({ name: 'wasmtime-spin-v2', handler: 'spin-v2' });
    expect(
      resolveArtifact(shim.spec.fetchStrategy, { operatingSystem: 'linux', architecture: 'amd64' }),
    ).toEqual({ location: 'https://example.test/a.tar.gz', sha256: 'f'.repeat(64) });
  });
});
