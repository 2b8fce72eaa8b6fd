import { describe, expect, it } from 'vitest';
import { OCI_IMAGE_CONFIG, OCI_IMAGE_INDEX, OCI_IMAGE_MANIFEST, sha256Digest } from '@spinkube/oci';
import { buildImage } from './build-image.js';
import { openContainersLabels } from './labels.js';
import { imageLayer } from './layer.js';

const json = (bytes: Uint8Array): Record<string, unknown> =>
  JSON.parse(Buffer.from(bytes).toString()) as Record<string, unknown>;

async function sample() {
  const base = await imageLayer(
    [{ type: 'file', path: 'etc/passwd', bytes: Buffer.from('root:x:0:0::/:\n') }],
    {
      comment: 'base files',
    },
  );
  const app = await imageLayer([{ type: 'file', path: 'app', bytes: Buffer.from('app'), mode: 0o755 }]);
  return buildImage({
    layers: [base, app],
    config: {
      user: '65532:65532',
      entrypoint: ['/app'],
      cmd: ['--serve'],
      env: { PATH: '/bin', MODE: 'a=b' },
      workingDir: '/',
      exposedPorts: [8080, '9443/tcp'],
      labels: openContainersLabels({
        title: 'spin-operator',
        version: '0.1.0',
        source: 'https://example.test/x',
      }),
    },
    annotations: { 'org.opencontainers.image.version': '0.1.0' },
  });
}

describe('buildImage', () => {
  it('writes the run config, labels, diff ids and history into the config', async () => {
    const image = await sample();
    const config = json(image.config.bytes);
    expect(image.config.descriptor.mediaType).toBe(OCI_IMAGE_CONFIG);
    expect(config).toMatchObject({
      created: '1970-01-01T00:00:00Z',
      architecture: 'amd64',
      os: 'linux',
      config: {
        User: '65532:65532',
        Entrypoint: ['/app'],
        Cmd: ['--serve'],
        Env: ['PATH=/bin', 'MODE=a=b'],
        WorkingDir: '/',
        ExposedPorts: { '8080/tcp': {}, '9443/tcp': {} },
        Labels: {
          'org.opencontainers.image.source': 'https://example.test/x',
          'org.opencontainers.image.title': 'spin-operator',
          'org.opencontainers.image.version': '0.1.0',
        },
      },
      history: [{ created_by: 'base files' }, { created_by: '1 entries' }],
    });
    expect((config.rootfs as { diff_ids: string[] }).diff_ids).toHaveLength(2);
  });

  it('links manifest → config and layers, and index → manifest with its platform, by digest', async () => {
    const image = await sample();
    const manifest = json(image.manifest.bytes);
    expect(manifest).toEqual({
      schemaVersion: 2,
      mediaType: OCI_IMAGE_MANIFEST,
      config: image.config.descriptor,
      layers: image.layers.map((layer) => layer.descriptor),
      annotations: { 'org.opencontainers.image.version': '0.1.0' },
    });
    expect(image.digest).toBe(sha256Digest(image.manifest.bytes));
    expect(json(image.index.bytes)).toEqual({
      schemaVersion: 2,
      mediaType: OCI_IMAGE_INDEX,
      manifests: [{ ...image.manifest.descriptor, platform: { architecture: 'amd64', os: 'linux' } }],
    });
  });

  it('is reproducible: the same inputs give the same digest', async () => {
    expect((await sample()).digest).toBe((await sample()).digest);
  });

  it('refuses a bad port or variable name, naming the field', async () => {
    const layer = await imageLayer([]);
    expect(() => buildImage({ layers: [layer], config: { exposedPorts: ['http'] } })).toThrow(
      'config.exposedPorts: "http" is not <1-65535>[/tcp|udp|sctp]',
    );
    expect(() => buildImage({ layers: [layer], config: { env: { 'A=B': 'c' } } })).toThrow(
      'config.env: "A=B" is not a variable name',
    );
  });
});
