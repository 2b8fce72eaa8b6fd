/**
 * A client for one repository over the OCI distribution API, on Node's fetch: manifests and blobs by
 * digest (verified), monolithic blob uploads, manifest pushes. Authentication follows the registry's
 * challenge: anonymous first, then Basic with Docker's stored credentials, or a Bearer token from the
 * challenge's realm (with those credentials when there are some). Loopback registries, and any registry
 * when `insecure` is set, are reached over plain http; everything else over https.
 */
import { OciError } from './errors.js';
import { sha256Digest, verifyDigest } from './digest.js';
import { dockerConfigPath, registryCredentials, type Credentials } from './docker-config.js';
import { DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_IMAGE_INDEX, OCI_IMAGE_MANIFEST } from './media-types.js';
import { isLoopbackRegistry, registryEndpoint } from './reference.js';
import { parseAuthChallenge } from './www-authenticate.js';

export interface RegistryClientOptions {
  /** Use plain http for a registry that is not on loopback. */
  readonly insecure?: boolean;
  /** Where `DOCKER_CONFIG` and `HOME` are read from; the process's by default. */
  readonly env?: NodeJS.ProcessEnv;
  /** The fetch to send requests with (e.g. one that counts them); the global one by default. */
  readonly fetch?: typeof fetch;
}

export interface FetchedManifest {
  readonly bytes: Uint8Array;
  readonly digest: string;
  readonly mediaType: string;
}

const MANIFEST_ACCEPT = [OCI_IMAGE_MANIFEST, OCI_IMAGE_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST].join(
  ', ',
);

type Access = 'pull' | 'pull,push';

interface Request {
  readonly method: string;
  readonly url: string;
  readonly access: Access;
  readonly headers?: Record<string, string>;
  readonly body?: Uint8Array;
  /** Statuses that are answers rather than errors (e.g. 404 for HEAD). */
  readonly expect?: readonly number[];
}

export class RegistryClient {
  private readonly base: string;
  private readonly fetch: typeof fetch;
  private readonly env: NodeJS.ProcessEnv;
  /** Authorization header per access level, once a challenge has been answered. */
  private readonly authorization = new Map<Access, string>();
  private credentials: Promise<Credentials | undefined> | undefined;

  constructor(
    readonly registry: string,
    readonly repository: string,
    options: RegistryClientOptions = {},
  ) {
    const scheme = options.insecure || isLoopbackRegistry(registry) ? 'http' : 'https';
    this.base = `${scheme}://${registryEndpoint(registry)}/v2/${repository}`;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.env = options.env ?? process.env;
  }

  /** A manifest or index by tag or digest; a digest is verified against the bytes. */
  async getManifest(tagOrDigest: string): Promise<FetchedManifest> {
    const url = `${this.base}/manifests/${tagOrDigest}`;
    const response = await this.send({
      method: 'GET',
      url,
      access: 'pull',
      headers: { accept: MANIFEST_ACCEPT },
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    const digest = tagOrDigest.includes(':') ? tagOrDigest : response.headers.get('docker-content-digest');
    if (digest) verifyDigest(bytes, digest, `manifest ${url}`);
    const mediaType = mediaTypeOf(bytes) ?? response.headers.get('content-type') ?? '';
    return { bytes, digest: digest ?? sha256Digest(bytes), mediaType: mediaType.split(';')[0] ?? '' };
  }

  /** A blob's bytes, refused unless they hash to `digest`. */
  async getBlob(digest: string): Promise<Uint8Array> {
    const url = `${this.base}/blobs/${digest}`;
    const response = await this.send({ method: 'GET', url, access: 'pull' });
    const bytes = new Uint8Array(await response.arrayBuffer());
    verifyDigest(bytes, digest, `blob ${url}`);
    return bytes;
  }

  async hasBlob(digest: string, access: Access = 'pull'): Promise<boolean> {
    const url = `${this.base}/blobs/${digest}`;
    const response = await this.send({ method: 'HEAD', url, access, expect: [404] });
    return response.ok;
  }

  /** Uploads a blob in one request (POST, then PUT with the digest), unless the registry has it already. */
  async pushBlob(bytes: Uint8Array): Promise<{ digest: string; uploaded: boolean }> {
    const digest = sha256Digest(bytes);
    if (await this.hasBlob(digest, 'pull,push')) return { digest, uploaded: false };
    const started = await this.send({
      method: 'POST',
      url: `${this.base}/blobs/uploads/`,
      access: 'pull,push',
    });
    const location = started.headers.get('location');
    if (!location) {
      throw new OciError('RegistryError', `POST ${this.base}/blobs/uploads/: no Location for the upload`);
    }
    const upload = new URL(location, this.base);
    upload.searchParams.set('digest', digest);
    await this.send({
      method: 'PUT',
      url: upload.href,
      access: 'pull,push',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    return { digest, uploaded: true };
  }

  /** Puts a manifest under a tag or its digest; returns its digest. */
  async putManifest(tagOrDigest: string, bytes: Uint8Array, mediaType: string): Promise<string> {
    const digest = sha256Digest(bytes);
    const url = `${this.base}/manifests/${tagOrDigest}`;
    const response = await this.send({
      method: 'PUT',
      url,
      access: 'pull,push',
      headers: { 'content-type': mediaType },
      body: bytes,
    });
    const stored = response.headers.get('docker-content-digest');
    if (stored && stored !== digest) {
      throw new OciError('OciDigestMismatch', `PUT ${url}: registry stored ${stored}, expected ${digest}`);
    }
    return digest;
  }

  private async send(request: Request): Promise<Response> {
    let response = await this.attempt(request);
    if (response.status === 401) {
      await response.body?.cancel();
      const authorization = await this.answerChallenge(request, response);
      if (authorization) {
        // A Basic header serves every access level; a Bearer token only the scope it was issued for.
        const levels: Access[] = authorization.startsWith('Basic ')
          ? ['pull', 'pull,push']
          : [request.access];
        for (const level of levels) this.authorization.set(level, authorization);
        response = await this.attempt(request);
      }
    }
    if (response.ok || request.expect?.includes(response.status)) return response;
    throw await this.failure(request, response);
  }

  private attempt(request: Request): Promise<Response> {
    const authorization = this.authorization.get(request.access);
    return this.fetch(request.url, {
      method: request.method,
      headers: { ...request.headers, ...(authorization ? { authorization } : {}) },
      ...(request.body ? { body: request.body } : {}),
    }).catch((error: unknown) => {
      throw new OciError(
        'RegistryError',
        `${request.method} ${request.url}: ${describeNetworkError(error)}`,
        { cause: error },
      );
    });
  }

  /** The Authorization header that answers the registry's challenge, or undefined if none can. */
  private async answerChallenge(request: Request, response: Response): Promise<string | undefined> {
    const challenge = parseAuthChallenge(response.headers.get('www-authenticate'));
    const credentials = await this.storedCredentials();
    if (challenge?.scheme === 'basic') return credentials ? basic(credentials) : undefined;
    if (challenge?.scheme !== 'bearer') return undefined;
    const realm = challenge.params.get('realm');
    if (!realm) return undefined;
    const tokenUrl = new URL(realm);
    const service = challenge.params.get('service');
    if (service) tokenUrl.searchParams.set('service', service);
    tokenUrl.searchParams.set('scope', `repository:${this.repository}:${request.access}`);
    const tokenResponse = await this.fetch(tokenUrl, {
      headers: credentials ? { authorization: basic(credentials) } : {},
    }).catch((error: unknown) => {
      throw new OciError('RegistryError', `GET ${tokenUrl.href}: ${describeNetworkError(error)}`, {
        cause: error,
      });
    });
    if (!tokenResponse.ok)
      throw await this.failure({ ...request, method: 'GET', url: tokenUrl.href }, tokenResponse);
    const body = (await tokenResponse.json()) as { token?: unknown; access_token?: unknown };
    const token = typeof body.token === 'string' ? body.token : body.access_token;
    if (typeof token !== 'string' || token === '') {
      throw new OciError('RegistryError', `GET ${tokenUrl.href}: the token response has no token`);
    }
    return `Bearer ${token}`;
  }

  private storedCredentials(): Promise<Credentials | undefined> {
    this.credentials ??= registryCredentials(this.registry, this.env);
    return this.credentials;
  }

  private async failure(request: Request, response: Response): Promise<OciError> {
    const detail = await errorDetail(response);
    const what = `${request.method} ${request.url}: ${String(response.status)} ${response.statusText}${detail}`;
    if (response.status === 401 || response.status === 403) {
      const hint = (await this.storedCredentials())
        ? `the credentials for ${this.registry} in ${dockerConfigPath(this.env)} were refused`
        : `no credentials for ${this.registry} in ${dockerConfigPath(this.env)}; add them to "auths" (e.g. with docker login)`;
      return new OciError('RegistryUnauthorized', `${what}; ${hint}`);
    }
    if (response.status === 404) return new OciError('RegistryNotFound', what);
    return new OciError('RegistryError', what);
  }
}

function basic(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/** The registry's own error codes (`{ errors: [{ code, message }] }`), when the body has them. */
async function errorDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    const errors = (body.errors ?? []).map((e) => [e.code, e.message].filter(Boolean).join(': '));
    return errors.length > 0 ? ` (${errors.join('; ')})` : '';
  } catch {
    return '';
  }
}

/** The `mediaType` a manifest declares in its JSON, which wins over the Content-Type header. */
function mediaTypeOf(bytes: Uint8Array): string | undefined {
  try {
    const value = (JSON.parse(Buffer.from(bytes).toString('utf8')) as { mediaType?: unknown }).mediaType;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

function describeNetworkError(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
  return cause ?? String(error);
}
