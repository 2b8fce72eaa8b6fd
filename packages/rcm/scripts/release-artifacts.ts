/**
 * `npm run release-artifacts -w @spinkube/runtime-class-manager -- [--shim <file>] [--out <dir>]
 *   [--base-url <url>] [--push <registry/repository:tag>] [--insecure]`
 *
 * Packs the packaged shim (`npx nx run shim:package`: packages/shim/dist/containerd-shim-spin-v2) as the
 * release archive `containerd-shim-spin-v2-linux-<arch>.tar.gz` with its `.sha256`, writes the default Shim
 * `shim-spin-v2.yaml` pointing at it under `--base-url` (the release's download URL by default), and with
 * `--push` publishes the same archive as an OCI artifact and writes `shim-spin-v2-oci.yaml` pointing there.
 * Results to stdout; errors to stderr with exit code 1.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PlatformNames } from '@spinkube/api';
import { stringify } from 'yaml';
import { defaultShim, pushShimArtifact, shimArchive, unameArch } from '@spinkube/runtime-class-manager';
import { rcmVersion } from '../src/cli/version.ts';

const repository = resolve(import.meta.dirname, '..', '..', '..');
const { values } = parseArgs({
  options: {
    shim: { type: 'string', default: join(repository, 'packages', 'shim', 'dist', PlatformNames.shimBinary) },
    out: { type: 'string', default: join(repository, 'dist', 'release') },
    'base-url': {
      type: 'string',
      default: `https://github.com/spinkube/spinkube/releases/download/v${rcmVersion()}`,
    },
    push: { type: 'string' },
    insecure: { type: 'boolean', default: false },
  },
});

try {
  let binary: Buffer;
  try {
    binary = readFileSync(values.shim);
  } catch (error) {
    throw new Error(`${values.shim}: ${(error as Error).message} (build it with: npx nx run shim:package)`, {
      cause: error,
    });
  }
  const arch = unameArch();
  const archive = await shimArchive(binary, PlatformNames.shim, arch);
  const sha256 = createHash('sha256').update(archive.bytes).digest('hex');
  mkdirSync(values.out, { recursive: true });
  const archivePath = join(values.out, archive.fileName);
  writeFileSync(archivePath, archive.bytes);
  writeFileSync(`${archivePath}.sha256`, `${sha256}  ${archive.fileName}\n`);
  const location = `${values['base-url'].replace(/\/+$/, '')}/${archive.fileName}`;
  writeFileSync(join(values.out, 'shim-spin-v2.yaml'), stringify(defaultShim([{ arch, location, sha256 }])));
  process.stdout.write(
    `${archivePath} (${(archive.bytes.length / 1024 / 1024).toFixed(1)} MiB, sha256 ${sha256})\n` +
      `${join(values.out, 'shim-spin-v2.yaml')} → ${location}\n`,
  );
  if (values.push) {
    const pushed = await pushShimArtifact(archive, values.push, { insecure: values.insecure });
    writeFileSync(
      join(values.out, 'shim-spin-v2-oci.yaml'),
      stringify(defaultShim([{ arch, location: pushed.reference, sha256: pushed.sha256 }])),
    );
    process.stdout.write(`pushed ${pushed.reference}@${pushed.digest}\n`);
  }
} catch (error) {
  process.stderr.write(`release-artifacts: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
