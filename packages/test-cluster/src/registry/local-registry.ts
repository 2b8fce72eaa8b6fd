/**
 * Runs Debian's real OCI registry (`docker-registry`, distribution 2.8) on 127.0.0.1 for tests and local
 * clusters: filesystem storage in its own directory, optionally htpasswd auth (bcrypt hashes made with
 * bcryptjs) or token auth with a token issuer started beside it. The packaged config (every interface, with
 * auth) is never used.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { freePort } from '../local/ports.js';
import { processEnv } from '../local/processes.js';
import { startTokenIssuer, TOKEN_ISSUER, TOKEN_SERVICE, type TokenIssuer } from './token-issuer.js';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

export interface RegistryOptions {
  /** Require these credentials: checked by the registry (htpasswd, Basic challenge) or by a token issuer. */
  readonly user?: { readonly username: string; readonly password: string };
  /** `token`: the registry sends a Bearer challenge pointing at a token issuer that checks `user`. */
  readonly auth?: 'htpasswd' | 'token';
  /**
   * Its directory (config, storage, token keys), created and removed by `stop()`; a new temporary one unless
   * given. Give a directory that a crashed run's cleanup also removes (e.g. inside a containerd's own).
   */
  readonly dir?: string;
}

export interface RunningRegistry {
  /** `127.0.0.1:<port>`, the registry part of references. */
  readonly host: string;
  readonly pid: number;
  /** Where blobs are stored: `<storage>/docker/registry/v2/blobs/sha256/<ab>/<hex>/data`. */
  readonly storage: string;
  /** The token issuer, with token auth. */
  readonly tokens?: TokenIssuer;
  /** Stops the process by its PID and removes its files. */
  stop(): Promise<void>;
}

export async function startRegistry(options: RegistryOptions = {}): Promise<RunningRegistry> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'spinkube-registry-'));
  mkdirSync(dir, { recursive: true });
  const storage = join(dir, 'storage');
  const port = await freePort();
  const host = `127.0.0.1:${String(port)}`;
  const tokens =
    options.user && options.auth === 'token' ? await startTokenIssuer(dir, options.user) : undefined;
  const auth = tokens
    ? [
        'auth:',
        '  token:',
        `    realm: ${tokens.realm}`,
        `    service: ${TOKEN_SERVICE}`,
        `    issuer: ${TOKEN_ISSUER}`,
        `    rootcertbundle: ${tokens.certificate}`,
      ]
    : options.user
      ? ['auth:', '  htpasswd:', '    realm: spinkube-test', `    path: ${join(dir, 'htpasswd')}`]
      : [];
  if (options.user && !tokens) {
    const { username, password } = options.user;
    writeFileSync(join(dir, 'htpasswd'), `${username}:${bcrypt.hashSync(password, 4)}\n`);
  }
  const config = writeRegistryConfig(dir, host, auth);
  const child = spawn(REGISTRY_BINARY, ['serve', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: processEnv(),
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot start ${REGISTRY_BINARY}`);

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(pid, 'SIGTERM');
      const killer = setTimeout(() => process.kill(pid, 'SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
    await tokens?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  // Whatever keeps it from answering, nothing it started is left behind.
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (await registryAnswers(host)) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(
        child.exitCode === null
          ? `${REGISTRY_BINARY} did not answer on ${host} within 15 s: ${stderr}`
          : `${REGISTRY_BINARY} exited with ${String(child.exitCode)}: ${stderr}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { host, pid, storage, ...(tokens ? { tokens } : {}), stop };
}

/**
 * Writes the registry's config into `dir` (storage in `dir/storage`, listening on `host`, with the given
 * `auth:` section lines) and returns its path.
 */
export function writeRegistryConfig(dir: string, host: string, auth: readonly string[] = []): string {
  const path = join(dir, 'config.yml');
  writeFileSync(
    path,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'storage')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${host}`,
      `  secret: ${randomBytes(16).toString('hex')}`,
      ...auth,
      '',
    ].join('\n'),
  );
  return path;
}

/** Whether the registry at `host` answers its API root (200, or 401 when it wants credentials). */
export async function registryAnswers(host: string): Promise<boolean> {
  const status = await fetch(`http://${host}/v2/`).then(
    (r) => r.status,
    () => 0,
  );
  return status === 200 || status === 401;
}

/** Path of a blob in the registry's filesystem storage (to tamper with it). */
export function blobPath(registry: RunningRegistry, digest: string): string {
  const hex = digest.replace(/^sha256:/, '');
  return join(registry.storage, 'docker', 'registry', 'v2', 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
}
