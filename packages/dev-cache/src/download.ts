/** HTTP downloads for the cache: a whole body in memory, or streamed to a file. */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DevCacheError } from './errors.js';

const TIMEOUT_MS = 120_000;

async function get(url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'follow' });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new DevCacheError(
      'DownloadFailed',
      `GET ${url}: ${error instanceof Error ? error.message : String(error)}${cause}`,
      {
        cause: error,
      },
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new DevCacheError(
      'DownloadFailed',
      `GET ${url}: HTTP ${String(response.status)} ${response.statusText}`,
    );
  }
  return response;
}

export async function downloadBytes(url: string): Promise<Buffer> {
  const response = await get(url);
  return Buffer.from(await response.arrayBuffer());
}

export async function downloadToFile(url: string, file: string): Promise<void> {
  const { body } = await get(url);
  if (!body) throw new DevCacheError('DownloadFailed', `GET ${url}: the response has no body`);
  await pipeline(Readable.fromWeb(body), createWriteStream(file));
}
