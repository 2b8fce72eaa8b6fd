/**
 * The release archive of a shim, as upstream publishes containerd-shim-spin's: a tar.gz holding one
 * executable `containerd-shim-<name>` at its top, named `containerd-shim-<name>-linux-<uname arch>.tar.gz`.
 * Built reproducibly (fixed owner, mode and time, gzip without a timestamp), so the same binary always gives
 * the same bytes and the same sha256 in the Shim that points at it.
 */
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { normalizeArch } from '../shim/node-platform.js';

export interface ShimArchive {
  readonly fileName: string;
  readonly bytes: Buffer;
}

/** uname's name for the architecture Node runs on (`x64` → `x86_64`). */
export function unameArch(nodeArch: string = process.arch): string {
  return normalizeArch(nodeArch === 'x64' ? 'amd64' : nodeArch);
}

export function shimArchiveName(shimName: string, arch: string): string {
  return `containerd-shim-${shimName}-linux-${normalizeArch(arch)}.tar.gz`;
}

export async function shimArchive(binary: Uint8Array, shimName: string, arch: string): Promise<ShimArchive> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on('data', (chunk: unknown) => chunks.push(Buffer.from(chunk as Uint8Array)));
  const ended = new Promise<void>((resolve, reject) => {
    tar.on('end', resolve).on('error', reject);
  });
  tar.entry(
    {
      name: `containerd-shim-${shimName}`,
      mode: 0o755,
      uid: 0,
      gid: 0,
      uname: 'root',
      gname: 'root',
      mtime: new Date(0),
      type: 'file',
    },
    Buffer.from(binary),
  );
  tar.finalize();
  await ended;
  // gzip's header time is zero unless set: Node writes no timestamp, so the bytes depend on the input only.
  return { fileName: shimArchiveName(shimName, arch), bytes: gzipSync(Buffer.concat(chunks), { level: 9 }) };
}
