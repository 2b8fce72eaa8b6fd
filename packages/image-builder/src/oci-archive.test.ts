import { describe, expect, it } from 'vitest';
import { sha256Digest } from '@spinkube/oci';
import { readTar } from '../test/read-tar.js';
import { buildImage } from './build-image.js';
import { imageLayer } from './layer.js';
import { ociArchive, tagOf } from './oci-archive.js';

describe('ociArchive', () => {
  it('writes an OCI layout naming each image for containerd and OCI tools, each blob once, under its digest', async () => {
    const shared = await imageLayer([{ type: 'file', path: 'shared', bytes: Buffer.from('s') }]);
    const a = buildImage({ layers: [shared], config: { cmd: ['a'] } });
    const b = buildImage({ layers: [shared], config: { cmd: ['b'] } });
    const entries = await readTar(
      await ociArchive([
        { name: 'localhost:5000/a:1.0', manifest: a.manifest, blobs: [a.config, ...a.layers] },
        { name: 'example.test/b', manifest: b.manifest, blobs: [b.config, ...b.layers] },
      ]),
    );
    const byName = new Map(entries.map((entry) => [entry.header.name, entry.body]));
    expect(JSON.parse(byName.get('oci-layout')?.toString() ?? '')).toEqual({ imageLayoutVersion: '1.0.0' });
    const index = JSON.parse(byName.get('index.json')?.toString() ?? '') as {
      manifests: { digest: string; annotations: Record<string, string> }[];
    };
    expect(index.manifests.map((m) => [m.digest, m.annotations])).toEqual([
      [
        a.digest,
        { 'io.containerd.image.name': 'localhost:5000/a:1.0', 'org.opencontainers.image.ref.name': '1.0' },
      ],
      [
        b.digest,
        { 'io.containerd.image.name': 'example.test/b', 'org.opencontainers.image.ref.name': 'latest' },
      ],
    ]);
    const blobs = entries.filter(
      (entry) => entry.header.name.startsWith('blobs/sha256/') && entry.header.type === 'file',
    );
    expect(blobs).toHaveLength(5); // 2 manifests, 2 configs, 1 shared layer
    for (const blob of blobs)
      expect(`blobs/sha256/${sha256Digest(blob.body).slice(7)}`).toBe(blob.header.name);
  });

  it('reads the tag of a reference, not the port of its registry', () => {
    expect(tagOf('127.0.0.1:5000/app')).toBe('latest');
    expect(tagOf('127.0.0.1:5000/app:v1')).toBe('v1');
    expect(tagOf(`r/app:v1@sha256:${'a'.repeat(64)}`)).toBe('v1');
  });
});
