/**
 * Fetches the shim archive: over HTTP(S) with retries (network errors, 5xx and 429 are tried again
 * `retries` times, `retryDelayMs` apart; any other HTTP error fails at once with its status, unlike
 * upstream's `curl` without `-f`, which saved an error page as the archive), or from a registry for an
 * `oci://` location (the artifact's first layer is the tar.gz), over https unless the registry is on loopback
 * or listed in `plainHttpRegistries`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isLoopbackRegistry, parseReference, RegistryClient, type OciReference } from '@spinkube/oci';
import { InstallerError } from '../node-installer/installer-error.js';

export interface FetchOptions {
  readonly retries: number;
  readonly retryDelayMs: number;
  /** Registries (`host[:port]`) reached over plain http. */
  readonly plainHttpRegistries?: readonly string[];
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export async function fetchArchive(location: string, options: FetchOptions): Promise<Uint8Array> {
  return location.startsWith('oci://')
    ? fetchFromRegistry(location, options)
    : fetchOverHttp(location, options);
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
        throw new InstallerError(
          'DownloadFailed',
          `${message} (after ${String(attempt + 1)} ${attempt === 0 ? 'try' : 'tries'})`,
          {
            cause: error,
          },
        );
      options.log?.(`${message}; trying again in ${String(options.retryDelayMs / 1000)} s`);
      await sleep(options.retryDelayMs);
    }
  }
}

async function fetchFromRegistry(location: string, options: FetchOptions): Promise<Uint8Array> {
  let reference: OciReference;
  try {
    reference = parseReference(location.slice('oci://'.length));
  } catch (error) {
    throw new InstallerError('DownloadInvalid', `SHIM_LOCATION="${location}": ${(error as Error).message}`, {
      cause: error,
    });
  }
  const insecure = options.plainHttpRegistries?.includes(reference.registry) ?? false;
  const client = new RegistryClient(reference.registry, reference.repository, { insecure });
  options.log?.(
    `fetching ${location} from ${reference.registry} over ${insecure || isLoopbackRegistry(reference.registry) ? 'http' : 'https'}`,
  );
  try {
    const manifest = await client.getManifest(reference.digest ?? reference.tag ?? 'latest');
    const parsed = JSON.parse(Buffer.from(manifest.bytes).toString('utf8')) as {
      layers?: { digest: string }[];
    };
    const layer = parsed.layers?.[0];
    if (!layer) throw new InstallerError('DownloadInvalid', `${location}: the artifact has no layer`);
    return await client.getBlob(layer.digest);
  } catch (error) {
    if (error instanceof InstallerError) throw error;
    // A registry without TLS answers https with plain http, which TLS calls a wrong version number.
    const hint =
      !insecure && !isLoopbackRegistry(reference.registry) && /wrong version number/i.test(describe(error))
        ? `; if ${reference.registry} serves plain http, list it in SHIM_OCI_PLAIN_HTTP`
        : '';
    throw new InstallerError('DownloadFailed', `${location}: ${describe(error)}${hint}`, { cause: error });
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    // fetch's own message is "fetch failed"; what failed is in its cause.
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message;
    return why ? `${error.message} (${why})` : error.message;
  }
  return String(error);
}
