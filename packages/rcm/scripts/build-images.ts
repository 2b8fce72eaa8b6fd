/**
 * `npm run image -w @spinkube/runtime-class-manager -- [--archive-dir <dir>] [--push-prefix <registry/prefix>]
 * [--insecure] [--only <name>]…`: builds the runtime-class-manager's images (see rcm-images.ts) and writes each
 * as an OCI archive `<dir>/<name>-image.tar` (for `ctr images import` and `kind load image-archive`; `dist/`
 * unless given, and only when not pushing unless --archive-dir is given) and/or pushes it as
 * `<prefix>/<name>:<version>` (`--insecure`: plain http to a registry not on loopback). Archives are tagged
 * `ghcr.io/spinkube/<name>:<version>`. Prints each image's digest and compressed layer sizes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ociArchive, pushImage } from '@spinkube/image-builder';
import { buildRcmImage, imageReference, RCM_IMAGES, rcmVersion } from './rcm-images.ts';

const { values } = parseArgs({
  options: {
    'archive-dir': { type: 'string' },
    'push-prefix': { type: 'string' },
    insecure: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
  },
});
const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;

try {
  const names = RCM_IMAGES.map((image) => image.name as string);
  const unknown = (values.only ?? []).filter((name) => !names.includes(name));
  if (unknown.length > 0) throw new Error(`--only ${unknown.join(', ')}: not one of ${names.join(', ')}`);
  const pushPrefix = values['push-prefix'];
  const archiveDir =
    pushPrefix === undefined || values['archive-dir'] !== undefined
      ? resolve(values['archive-dir'] ?? join(import.meta.dirname, '..', 'dist'))
      : undefined;
  for (const recipe of RCM_IMAGES.filter((image) => !values.only || values.only.includes(image.name))) {
    const image = await buildRcmImage(recipe);
    const layers = image.layers.map((layer) => mib(layer.descriptor.size));
    const total = image.layers.reduce((sum, layer) => sum + layer.descriptor.size, 0);
    process.stdout.write(
      `${recipe.name} ${rcmVersion()}: ${image.digest} (layers ${layers.join(' + ')} = ${mib(total)}, compressed)\n`,
    );
    if (archiveDir !== undefined) {
      mkdirSync(archiveDir, { recursive: true });
      const file = join(archiveDir, `${recipe.name}-image.tar`);
      const tag = imageReference(recipe.name);
      writeFileSync(
        file,
        await ociArchive([{ name: tag, manifest: image.manifest, blobs: [image.config, ...image.layers] }]),
      );
      process.stdout.write(`wrote ${file} (${tag})\n`);
    }
    if (pushPrefix !== undefined) {
      const reference = imageReference(recipe.name, pushPrefix);
      const pushed = await pushImage(image, reference, { insecure: values.insecure });
      process.stdout.write(
        `pushed ${reference}@${pushed.digest} (${String(pushed.uploadedBlobs)} blobs uploaded)\n`,
      );
    }
  }
} catch (error) {
  process.stderr.write(`build-images: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
