import { OCI_IMAGE_MANIFEST, OciError, RegistryClient } from '@spinkube/oci';
import { startRegistry, type RunningRegistry } from '../src/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildImage, imageLayer, pushImage, type BuiltImage } from '@spinkube/image-builder';

let registry: RunningRegistry;
let authRegistry: RunningRegistry;
beforeAll(async () => {
  [registry, authRegistry] = await Promise.all([
    startRegistry(),
    startRegistry({ user: { username: 'builder', password: 'secret' } }),
  ]);
});
afterAll(async () => {
  await Promise.all([registry.stop(), authRegistry.stop()]);
});

async function image(text: string): Promise<BuiltImage> {
  const base = await imageLayer([
    { type: 'file', path: 'etc/os-release', bytes: Buffer.from('ID=spinkube\n') },
  ]);
  const app = await imageLayer([{ type: 'file', path: 'app/message', bytes: Buffer.from(text) }]);
  return buildImage({ layers: [base, app], config: { entrypoint: ['/app/run'] } });
}

describe('pushImage to a real registry', () => {
  it('uploads layers, config and manifest, which the registry serves back byte for byte', async () => {
    const built = await image('first');
    const pushed = await pushImage(built, `${registry.host}/spinkube/test:v1`);
    expect(pushed).toEqual({ digest: built.digest, uploadedBlobs: 3 });

    const client = new RegistryClient(registry.host, 'spinkube/test');
    const manifest = await client.getManifest('v1');
    expect(manifest.digest).toBe(built.digest);
    expect(manifest.mediaType).toBe(OCI_IMAGE_MANIFEST);
    expect(Buffer.from(manifest.bytes).equals(Buffer.from(built.manifest.bytes))).toBe(true);
    for (const blob of [built.config, ...built.layers]) {
      expect(Buffer.from(await client.getBlob(blob.descriptor.digest)).equals(Buffer.from(blob.bytes))).toBe(
        true,
      );
    }
  });

  it('uploads only what changed: a rebuild of the same files sends nothing, a changed layer sends it and the config', async () => {
    expect((await pushImage(await image('first'), `${registry.host}/spinkube/test:v1`)).uploadedBlobs).toBe(
      0,
    );
    const changed = await pushImage(await image('second'), `${registry.host}/spinkube/test:v2`);
    expect(changed.uploadedBlobs).toBe(2);
  });

  it('is refused by a registry that wants credentials, with an error naming the URL', async () => {
    const error = await pushImage(await image('x'), `${authRegistry.host}/spinkube/test:v1`, {
      env: { DOCKER_CONFIG: '/nonexistent' },
    }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(OciError);
    expect((error as OciError).code).toBe('RegistryUnauthorized');
    expect((error as OciError).message).toContain(`http://${authRegistry.host}/v2/spinkube/test/blobs/`);
  });
});
