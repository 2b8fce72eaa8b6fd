/**
 * The shim downloader's settings, from the environment the node Job gives its init container (upstream's
 * names): `SHIM_NAME`, `SHIM_LOCATION`, `SHIM_SHA256`, and from the optional ConfigMap `NUM_RETRY`
 * (default 3) and `SLEEP_DURATION` (seconds, default 2); beyond upstream, `SHIM_OCI_PLAIN_HTTP`: the
 * registries (`host:port`, comma-separated) that an `oci://` location reaches over plain http, such as a
 * cluster's own registry without TLS (loopback registries always are). Each bad value is refused naming the
 * variable.
 */
import { InstallerError } from '../node-installer/installer-error.js';

export interface DownloadSettings {
  readonly shimName: string;
  /** `http(s)://…` of a tar.gz archive, or `oci://registry/repository:tag` of a shim artifact. */
  readonly location: string;
  /** Hex SHA-256 of the archive (or of the OCI layer), checked when given. */
  readonly sha256?: string;
  readonly retries: number;
  readonly retryDelayMs: number;
  /** Registries (`host[:port]`, as in the location) reached over http instead of https. */
  readonly plainHttpRegistries: readonly string[];
  /** Where the binary goes (`/assets`). */
  readonly assetDir: string;
}

export function downloadSettings(env: NodeJS.ProcessEnv, assetDir = '/assets'): DownloadSettings {
  const shimName = required(env, 'SHIM_NAME');
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(shimName))
    throw invalid('SHIM_NAME', shimName, 'a Shim name (lower-case letters, digits, "-" and ".")');
  const location = required(env, 'SHIM_LOCATION');
  if (!/^(https?|oci):\/\//.test(location))
    throw invalid('SHIM_LOCATION', location, 'an http://, https:// or oci:// location');
  const sha256 = env['SHIM_SHA256']?.trim().toLowerCase();
  if (sha256 && !/^[0-9a-f]{64}$/.test(sha256)) throw invalid('SHIM_SHA256', sha256, '64 hexadecimal digits');
  return {
    shimName,
    location,
    ...(sha256 ? { sha256 } : {}),
    retries: count(env, 'NUM_RETRY', 3),
    retryDelayMs: count(env, 'SLEEP_DURATION', 2) * 1000,
    plainHttpRegistries: registries(env, 'SHIM_OCI_PLAIN_HTTP'),
    assetDir,
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new InstallerError('DownloadInvalid', `${name} is not set`);
  return value;
}

function count(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw invalid(name, text, 'a whole number ≥ 0');
  return value;
}

function registries(env: NodeJS.ProcessEnv, name: string): string[] {
  const entries = (env[name] ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of entries)
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(entry))
      throw invalid(name, entry, 'a registry host or host:port (no scheme, no path)');
  return entries;
}

function invalid(name: string, value: string, what: string): InstallerError {
  return new InstallerError('DownloadInvalid', `${name}="${value}" is not ${what}`);
}
