/**
 * OCI references (`registry/repo[:tag][@sha256:…]`) with Docker's defaults: no registry means Docker Hub,
 * and a one-part Docker Hub name lives under `library/`.
 *
 * Written here rather than taken from npm: the parsers there (`@swimlane/docker-reference`,
 * `docker-parse-image`, `parse-docker-image-name`) are CommonJS ports whose last releases are 2024 or older,
 * and they still leave Docker Hub's endpoint and credential names and the loopback rule to the caller. The
 * grammar is a few regular expressions from the distribution spec.
 */
import { existsSync } from 'node:fs';
import { OciError } from './errors.js';

export interface OciReference {
  /** Registry host with optional port, as written (`ghcr.io`, `localhost:5000`); `docker.io` by default. */
  readonly registry: string;
  /** Repository path (`spinframework/hello`, `library/nginx`). */
  readonly repository: string;
  /** Tag; `latest` when the reference names neither a tag nor a digest. */
  readonly tag?: string;
  /** `sha256:<hex>`; when present it is what gets pulled. */
  readonly digest?: string;
}

export const DOCKER_HUB = 'docker.io';
/** Docker Hub's API endpoint; `docker.io` itself only redirects. */
const DOCKER_HUB_ENDPOINT = 'registry-1.docker.io';

const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`);
const PATH_PART = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const MAX_NAME_LENGTH = 255;

interface Parsed {
  readonly reference: OciReference;
  /** Whether the text named the registry, a tag or a digest, rather than a bare name. */
  readonly qualified: boolean;
}

export function parseReference(text: string): OciReference {
  const parsed = parse(text);
  if (typeof parsed === 'string') throw new OciError('OciReferenceInvalid', `"${text}": ${parsed}`);
  return parsed.reference;
}

/**
 * Whether `up -f <from>` names a registry artifact: an existing path always wins, and a bare name
 * (`myapp`, `dir/app`) is taken as a path, so only a reference with a registry, tag or digest counts.
 */
export function isOciReference(from: string): boolean {
  if (existsSync(from)) return false;
  const parsed = parse(from);
  return typeof parsed !== 'string' && parsed.qualified;
}

export function formatReference(reference: OciReference): string {
  const tag = reference.tag === undefined ? '' : `:${reference.tag}`;
  const digest = reference.digest === undefined ? '' : `@${reference.digest}`;
  return `${reference.registry}/${reference.repository}${tag}${digest}`;
}

/** The host (and port) to send API requests to. */
export function registryEndpoint(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_ENDPOINT : registry;
}

/** Registries on this machine, which are reached over plain http like Docker does. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.startsWith('[')
    ? registry.slice(0, registry.indexOf(']') + 1)
    : (registry.split(':')[0] ?? '');
  return host === 'localhost' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

function parse(text: string): Parsed | string {
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return `digest "${digest}" must be sha256: and 64 lowercase hex digits`;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return `tag "${tag}" is not valid (letters, digits, "_", "." and "-", at most 128)`;
  }
  const parts = rest.split('/');
  const first = parts[0] ?? '';
  // The first part is a registry only if it looks like a host: a dot, a port, or localhost.
  const hasDomain =
    parts.length > 1 &&
    (first.includes('.') || first.includes(':') || first.startsWith('[') || first === 'localhost');
  if (hasDomain && !DOMAIN.test(first)) return `registry "${first}" is not a valid host`;
  let registry = hasDomain ? first : DOCKER_HUB;
  if (registry === 'index.docker.io') registry = DOCKER_HUB;
  const path = hasDomain ? parts.slice(1) : parts;
  if (path.length === 0 || path.some((part) => !PATH_PART.test(part))) {
    return 'repository must be lowercase path components (letters, digits, ".", "_", "-"), separated by "/"';
  }
  if (registry === DOCKER_HUB && path.length === 1) path.unshift('library');
  const repository = path.join('/');
  if (repository.length > MAX_NAME_LENGTH) return `repository name longer than ${String(MAX_NAME_LENGTH)}`;
  return {
    reference: {
      registry,
      repository,
      ...(tag === undefined && digest === undefined ? { tag: 'latest' } : {}),
      ...(tag === undefined ? {} : { tag }),
      ...(digest === undefined ? {} : { digest }),
    },
    qualified: hasDomain || tag !== undefined || digest !== undefined,
  };
}
