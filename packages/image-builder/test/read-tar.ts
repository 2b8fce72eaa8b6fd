/** Reads a tar (gunzipping it first when it is gzip) into its headers and contents, for assertions. */
import { gunzipSync } from 'node:zlib';
import { extract, type Header } from 'tar-stream';

export interface ReadEntry {
  readonly header: Header;
  readonly body: Buffer;
}

export async function readTar(bytes: Uint8Array): Promise<ReadEntry[]> {
  const tar = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : Buffer.from(bytes);
  const reader = extract();
  const entries: ReadEntry[] = [];
  const done = (async () => {
    for await (const entry of reader) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      entries.push({ header: entry.header, body: Buffer.concat(chunks) });
    }
  })();
  reader.end(tar);
  await done;
  return entries;
}
