/**
 * `npm run image -w @spinkube/spin-operator -- [--archive <file>] [--push <reference>] [--insecure]`:
 * builds the operator's image (see operator-image.ts) and writes it as an OCI archive (for `ctr images
 * import` and `kind load image-archive`; `dist/spin-operator-image.tar` unless given) and/or pushes it.
 * Prints the image digest and sizes.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ociArchive, pushImage } from '@spinkube/image-builder';
import { operatorImage, operatorVersion } from './operator-image.ts';

const { values } = parseArgs({
  options: {
    archive: { type: 'string' },
    push: { type: 'string' },
    insecure: { type: 'boolean', default: false },
  },
});
const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;

try {
  const image = await operatorImage();
  const sizes = image.layers.map((layer) => mib(layer.descriptor.size)).join(' + ');
  process.stdout.write(`spin-operator ${operatorVersion()}: ${image.digest} (layers ${sizes}, compressed)\n`);
  if (values.push === undefined || values.archive !== undefined) {
    const file = resolve(
      values.archive ?? join(import.meta.dirname, '..', 'dist', 'spin-operator-image.tar'),
    );
    const tag = `ghcr.io/spinkube/spin-operator:${operatorVersion()}`;
    writeFileSync(
      file,
      await ociArchive([{ name: tag, manifest: image.manifest, blobs: [image.config, ...image.layers] }]),
    );
    process.stdout.write(`wrote ${file} (${tag})\n`);
  }
  if (values.push !== undefined) {
    const pushed = await pushImage(image, values.push, { insecure: values.insecure });
    process.stdout.write(
      `pushed ${values.push}@${pushed.digest} (${String(pushed.uploadedBlobs)} blobs uploaded)\n`,
    );
  }
} catch (error) {
  process.stderr.write(`build-image: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
