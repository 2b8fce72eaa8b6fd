/**
 * Fetches the shim archive: over HTTP(S) with retries (network errors, 5xx and 429 are tried again
 * `retries` times, `retryDelayMs` apart; any other HTTP error fails at once with its status, unlike
 * upstream's `curl` without `-f`, which saved an error page as the archive), or from a registry for an
 * `oci://` location (the artifact's first layer is the tar.gz).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseReference, RegistryClient } from '@spinkube/oci';
import { InstallerError } from '../node-installer/installer-error.js';

export interface FetchOptions {
  readonly retries: number;
  readonly retryDelayMs: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export async function fetchArchive(location: string, options: FetchOptions): Promise<Uint8Array> {
  return location.startsWith('oci://') ? fetchFromRegistry(location) : fetchOverHttp(location, options);
}

class RetryableError extends Error {}

async function fetchOverHttp(location: string, options: FetchOptions): Promise<Uint8Array> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(location, { signal: AbortSignal.timeout(300_000) });
      if (response.ok) return new Uint8Array(await response.arrayBuffer());
      const message = `${location}: HTTP ${String(response.status)} ${response.statusText}`;
      if (response.status >= 500 || response.status === 429) throw new RetryableError(message);
      throw new InstallerError('DownloadFailed', message);
    } catch (error) {
      if (error instanceof InstallerError) throw error;
      const message = error instanceof RetryableError ? error.message : `${location}: ${describe(error)}`;
      if (attempt >= options.retries)
        throw new InstallerError('DownloadFailed', `${message} (after ${String(attempt + 1)} tries)`, {
          cause: error,
        });
      options.log?.(`${message}; trying again in ${String(options.retryDelayMs / 1000)} s`);
      await sleep(options.retryDelayMs);
    }
  }
}

async function fetchFromRegistry(location: string): Promise<Uint8Array> {
  const reference = parseReference(location.slice('oci://'.length));
  const client = new RegistryClient(reference.registry, reference.repository);
  const manifest = await client.getManifest(reference.digest ?? reference.tag ?? 'latest');
  const parsed = JSON.parse(Buffer.from(manifest.bytes).toString('utf8')) as {
    layers?: { digest: string }[];
  };
  const layer = parsed.layers?.[0];
  if (!layer) throw new InstallerError('DownloadInvalid', `${location}: the artifact has no layer`);
  return client.getBlob(layer.digest);
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return cause?.code ? `${error.message} (${cause.code})` : error.message;
  }
  return String(error);
}
