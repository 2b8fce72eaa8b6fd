/**
 * Registry credentials from Docker's `config.json` (`$DOCKER_CONFIG/config.json`, else
 * `~/.docker/config.json`): the `auths` entries, as `auth` (base64 `user:password`) or `username` and
 * `password`. Credential helpers (`credsStore`, `credHelpers`) are not run.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { OciError } from './errors.js';
import { DOCKER_HUB } from './reference.js';

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** Names Docker uses for Docker Hub in `auths`, besides `docker.io`. */
const DOCKER_HUB_ALIASES = ['index.docker.io', 'registry-1.docker.io', 'docker.io'];

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env['DOCKER_CONFIG'] ?? join(env['HOME'] ?? homedir(), '.docker');
  return join(dir, 'config.json');
}

/** The credentials stored for `registry`, or undefined (anonymous) when there are none. */
export async function registryCredentials(
  registry: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Credentials | undefined> {
  const file = dockerConfigPath(env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    throw new OciError('RegistryError', `${file} is not valid JSON: ${String(error)}`, {
      cause: error,
    });
  }
  const auths = isObject(config) && isObject(config['auths']) ? config['auths'] : {};
  const names = registry === DOCKER_HUB ? DOCKER_HUB_ALIASES : [registry];
  for (const [key, entry] of Object.entries(auths)) {
    if (!names.includes(hostOf(key)) || !isObject(entry)) continue;
    const credentials = fromEntry(entry);
    if (credentials) return credentials;
  }
  return undefined;
}

/** `https://index.docker.io/v1/` → `index.docker.io`; keys may be URLs or bare hosts. */
function hostOf(key: string): string {
  return key.replace(/^[a-z]+:\/\//i, '').split('/')[0] ?? '';
}

function fromEntry(entry: Record<string, unknown>): Credentials | undefined {
  const { auth, username, password } = entry;
  if (typeof auth === 'string' && auth !== '') {
    const decoded = Buffer.from(auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof username === 'string' && typeof password === 'string') return { username, password };
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
