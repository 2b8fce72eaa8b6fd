import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeError } from '../src/errors.js';
import { resolveComponentFiles } from '../src/files/resolve-files.js';
import { loadManifest } from '../src/manifest/load-manifest.js';
import type { AppManifest } from '../src/manifest/types.js';
import { sha256Digest, OCI_IMAGE_INDEX, RegistryClient } from '@spinkube/oci';
import { pullApp, pullOciApp } from '../src/oci/pull-app.js';
import { pushApp } from '../src/oci/push-app.js';
import { blobPath, startRegistry, type RunningRegistry } from '@spinkube/test-cluster';
import { up, upFails } from './up-process.js';

const examples = join(import.meta.dirname, '..', '..', '..', 'examples');
const tinyWasm = join(examples, 'dist', 'tiny-hello.wasm');
const work = mkdtempSync(join(tmpdir(), 'spinkube-oci-'));
const user = { username: 'spin', password: 'kube-secret' };
const noCredentials = { DOCKER_CONFIG: join(work, 'no-docker-config') };
let registry: RunningRegistry;
let authRegistry: RunningRegistry;
let tiny: AppManifest;
let filesApp: AppManifest;

/** The RuntimeError a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<RuntimeError> {
  const reason: unknown = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (reason instanceof RuntimeError) return reason;
  throw new Error(`expected a RuntimeError, got ${String(reason)}`);
}

beforeAll(async () => {
  [registry, authRegistry] = await Promise.all([startRegistry(), startRegistry({ user })]);
  tiny = await loadManifest(join(examples, 'tiny-hello'));
  filesApp = await loadManifest(writeFilesApp(join(work, 'files-app')));
});

afterAll(async () => {
  await Promise.all([registry.stop(), authRegistry.stop()]);
  rmSync(work, { recursive: true, force: true });
});

/** Two components, variables, a private route, outbound hosts, stores, env and files of every kind. */
function writeFilesApp(dir: string): string {
  const files: Record<string, string | Buffer> = {
    'static/index.html': '<h1>hi</h1>',
    'static/css/site.css': 'body { color: red }\n'.repeat(20),
    'static/.well-known/security.txt': 'Contact: mailto:sec@example.com',
    'static/debug.map': 'excluded',
    'assets/logo.bin': Buffer.alloc(4096, 0xab),
    'config/app.json': '{"mode":"test"}',
    'empty.txt': '',
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  copyFileSync(tinyWasm, join(dir, 'web.wasm'));
  copyFileSync(tinyWasm, join(dir, 'api.wasm'));
  writeFileSync(
    join(dir, 'spin.toml'),
    `spin_manifest_version = 2

[application]
name = "files-app"
version = "2.0.0"
authors = ["Test <test@example.com>"]
[application.trigger.http]
base = "/app"

[variables]
greeting = { default = "hello" }
token = { required = true, secret = true }

[[trigger.http]]
route = "/..."
component = "web"

[[trigger.http]]
id = "api-internal"
route = { private = true }
component = "api"

[component.web]
source = "web.wasm"
files = ["static/**/*", "empty.txt", { source = "assets", destination = "/public" }, { source = "config/app.json", destination = "/etc/app.json" }]
exclude_files = ["**/*.map"]
allowed_outbound_hosts = ["https://example.com", "http://api.spin.internal"]
key_value_stores = ["default"]
sqlite_databases = ["default"]
environment = { MODE = "test", LEVEL = "2" }
[component.web.variables]
message = "{{ greeting }}, world"

[component.api]
source = "api.wasm"
ai_models = ["llama2-chat"]
`,
  );
  return dir;
}

/** Guest path → file content, as the component will see it. */
async function mountedContent(app: AppManifest, id: string): Promise<Map<string, string>> {
  const spec = app.components.get(id);
  if (!spec) throw new Error(`no component ${id}`);
  const files = await resolveComponentFiles(app, spec);
  return new Map(files.map((file) => [file.guestPath, readFileSync(file.hostPath).toString('base64')]));
}

function sourceBytes(app: AppManifest, id: string): Buffer {
  const source = app.components.get(id)?.source;
  if (source?.kind !== 'file') throw new Error(`component ${id} has no file source`);
  return readFileSync(source.path.startsWith('/') ? source.path : join(app.dir, source.path));
}

/** A fetch that records each request, to see what a pull sends. */
function countingFetch(): { fetch: typeof fetch; requests: string[] } {
  const requests: string[] = [];
  return {
    requests,
    fetch: (input, init) => {
      requests.push(`${init?.method ?? 'GET'} ${input instanceof Request ? input.url : input.toString()}`);
      return fetch(input, init);
    },
  };
}

function freshCache(): string {
  return mkdtempSync(join(work, 'cache-'));
}

describe('Spin apps in a real registry', () => {
  it('pushes tiny-hello and pulls it back, with the same wasm', async () => {
    const reference = `${registry.host}/tiny-hello:v1`;
    const digest = await pushApp(tiny, reference, { env: noCredentials });
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    const cacheDir = freshCache();
    const started = performance.now();
    const pulled = await pullOciApp(reference, { cacheDir, env: noCredentials });
    const cold = performance.now() - started;
    const warmStart = performance.now();
    await pullApp(reference, { cacheDir, env: noCredentials });
    const warm = performance.now() - warmStart;
    console.log(`pull tiny-hello: cold ${cold.toFixed(1)} ms, warm (tag re-resolved) ${warm.toFixed(1)} ms`);

    expect(pulled.digest).toBe(digest);
    const app = pulled.app;
    expect(app.file).toBe(reference);
    expect(app.application).toEqual(tiny.application);
    expect(app.httpTriggers).toEqual(tiny.httpTriggers);
    const wasm = sourceBytes(app, 'tiny-hello');
    expect(sha256Digest(wasm)).toBe(sha256Digest(readFileSync(tinyWasm)));
    expect(app.components.get('tiny-hello')?.source).toEqual({
      kind: 'file',
      path: join(cacheDir, 'registry', 'wasm', sha256Digest(wasm)),
    });
  });

  it('round-trips an app with files, variables, routes, outbound hosts, stores and env', async () => {
    const reference = `${registry.host}/apps/files-app:2.0.0`;
    await pushApp(filesApp, reference, { env: noCredentials });
    const app = await pullApp(reference, { cacheDir: freshCache(), env: noCredentials });

    expect(app.application).toEqual(filesApp.application);
    expect(app.variables).toEqual(filesApp.variables);
    expect(app.httpTriggers).toEqual(filesApp.httpTriggers);
    for (const id of ['web', 'api']) {
      // Sources and files are compared by content below; exclusions are applied before the push.
      const { source: _s, files: _f, fieldPath: _p, excludeFiles, ...pulled } = app.components.get(id) ?? {};
      const {
        source: _os,
        files: _of,
        fieldPath: _op,
        excludeFiles: _oe,
        ...original
      } = filesApp.components.get(id) ?? {};
      expect(excludeFiles).toEqual([]);
      expect(pulled).toEqual(original);
      expect(createHash('sha256').update(sourceBytes(app, id)).digest('hex')).toBe(
        createHash('sha256').update(sourceBytes(filesApp, id)).digest('hex'),
      );
    }
    const expectedFiles = await mountedContent(filesApp, 'web');
    expect([...expectedFiles.keys()]).toEqual([
      '/empty.txt',
      '/etc/app.json',
      '/public/logo.bin',
      '/static/.well-known/security.txt',
      '/static/css/site.css',
      '/static/index.html',
    ]);
    expect(await mountedContent(app, 'web')).toEqual(expectedFiles);
    expect(await mountedContent(app, 'api')).toEqual(new Map());
  });

  it('uploads nothing when the same app is pushed again, and gets the same digest', async () => {
    const reference = `${registry.host}/apps/files-app:again`;
    const first = await pushApp(filesApp, reference, { env: noCredentials });
    const counter = countingFetch();
    const second = await pushApp(filesApp, reference, { env: noCredentials, fetch: counter.fetch });
    expect(second).toBe(first);
    expect(counter.requests.filter((request) => request.startsWith('POST'))).toEqual([]);
  });

  it('sends one request for a warm pull by tag, and none by digest', async () => {
    const reference = `${registry.host}/apps/files-app:2.0.0`;
    const cacheDir = freshCache();
    const { digest } = await pullOciApp(reference, { cacheDir, env: noCredentials });
    const byTag = countingFetch();
    await pullApp(reference, { cacheDir, env: noCredentials, fetch: byTag.fetch });
    expect(byTag.requests).toEqual([`GET http://${registry.host}/v2/apps/files-app/manifests/2.0.0`]);
    const byDigest = countingFetch();
    await pullApp(`${registry.host}/apps/files-app@${digest}`, {
      cacheDir,
      env: noCredentials,
      fetch: byDigest.fetch,
    });
    expect(byDigest.requests).toEqual([]);
  });

  it('follows an image index to its wasm entry', async () => {
    const reference = `${registry.host}/tiny-hello:v1`;
    const { digest } = await pullOciApp(reference, { cacheDir: freshCache(), env: noCredentials });
    const client = new RegistryClient(registry.host, 'tiny-hello', { env: noCredentials });
    const manifest = await client.getManifest(digest);
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_IMAGE_INDEX,
        manifests: [
          {
            mediaType: manifest.mediaType,
            digest,
            size: manifest.bytes.length,
            platform: { architecture: 'wasm', os: 'wasip1' },
          },
        ],
      }),
    );
    await client.putManifest('indexed', index, OCI_IMAGE_INDEX);
    const pulled = await pullOciApp(`${registry.host}/tiny-hello:indexed`, {
      cacheDir: freshCache(),
      env: noCredentials,
    });
    expect(pulled.digest).toBe(digest);
    expect(pulled.app.httpTriggers).toEqual(tiny.httpTriggers);
  });

  it('answers 404 for a missing tag with the URL', async () => {
    const error = await failure(
      pullApp(`${registry.host}/tiny-hello:nope`, { cacheDir: freshCache(), env: noCredentials }),
    );
    expect(error.code).toBe('RegistryNotFound');
    expect(error.message).toMatch(
      new RegExp(
        `GET http://${registry.host}/v2/tiny-hello/manifests/nope: 404 Not Found \\(MANIFEST_UNKNOWN`,
      ),
    );
  });
});

describe('a registry that is stopped or tampered with', () => {
  let own: RunningRegistry;
  beforeAll(async () => {
    own = await startRegistry();
  });
  afterAll(async () => {
    await own.stop();
  });

  it('refuses a blob whose content does not match its digest', async () => {
    const reference = `${own.host}/tampered:v1`;
    await pushApp(tiny, reference, { env: noCredentials });
    const wasmDigest = sha256Digest(readFileSync(tinyWasm));
    const original = readFileSync(blobPath(own, wasmDigest));
    const tampered = Buffer.from(original);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0xff;
    writeFileSync(blobPath(own, wasmDigest), tampered);
    try {
      const cacheDir = freshCache();
      const error = await failure(pullApp(reference, { cacheDir, env: noCredentials }));
      expect(error.code).toBe('OciDigestMismatch');
      expect(error.message).toMatch(
        `blob http://${own.host}/v2/tampered/blobs/${wasmDigest}: content has digest`,
      );
      expect(() => readFileSync(join(cacheDir, 'registry', 'wasm', wasmDigest))).toThrow();
    } finally {
      // The registry shares blobs between repositories; later pushes of the same wasm reuse this one.
      writeFileSync(blobPath(own, wasmDigest), original);
    }
  });

  it('pulls by digest from the cache after the registry is gone, and says why a tag cannot be', async () => {
    const reference = `${own.host}/offline:v1`;
    const digest = await pushApp(filesApp, reference, { env: noCredentials });
    const cacheDir = freshCache();
    await pullApp(reference, { cacheDir, env: noCredentials });
    await own.stop();
    const app = await pullApp(`${own.host}/offline@${digest}`, { cacheDir, env: noCredentials });
    expect(app.httpTriggers).toEqual(filesApp.httpTriggers);
    expect(await mountedContent(app, 'web')).toEqual(await mountedContent(filesApp, 'web'));
    const error = await failure(pullApp(reference, { cacheDir, env: noCredentials }));
    expect(error.code).toBe('RegistryError');
    expect(error.message).toMatch(
      new RegExp(`GET http://${own.host}/v2/offline/manifests/v1: .*ECONNREFUSED`),
    );
  });
});

describe('a registry that requires credentials', () => {
  const dockerConfig = (password: string): NodeJS.ProcessEnv => {
    const dir = mkdtempSync(join(work, 'docker-config-'));
    const auth = Buffer.from(`${user.username}:${password}`).toString('base64');
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [authRegistry.host]: { auth } } }));
    return { DOCKER_CONFIG: dir };
  };

  it('answers 401 without credentials, naming the URL and where to put them', async () => {
    const error = await failure(pushApp(tiny, `${authRegistry.host}/private:v1`, { env: noCredentials }));
    expect(error.code).toBe('RegistryUnauthorized');
    expect(error.message).toMatch(
      new RegExp(
        `HEAD http://${authRegistry.host}/v2/private/blobs/sha256:[0-9a-f]{64}: 401 Unauthorized; no credentials for ${authRegistry.host} in .*no-docker-config/config.json`,
      ),
    );
    await expect(
      pullApp(`${authRegistry.host}/private:v1`, { cacheDir: freshCache(), env: noCredentials }),
    ).rejects.toHaveProperty('code', 'RegistryUnauthorized');
  });

  it('pushes and pulls with Basic credentials from DOCKER_CONFIG', async () => {
    const env = dockerConfig(user.password);
    const reference = `${authRegistry.host}/private:v1`;
    const digest = await pushApp(tiny, reference, { env });
    const pulled = await pullOciApp(reference, { cacheDir: freshCache(), env });
    expect(pulled.digest).toBe(digest);
    expect(sha256Digest(sourceBytes(pulled.app, 'tiny-hello'))).toBe(sha256Digest(readFileSync(tinyWasm)));
  });

  it('says the stored credentials were refused when they are wrong', async () => {
    const error = await failure(
      pullApp(`${authRegistry.host}/private:v1`, { cacheDir: freshCache(), env: dockerConfig('wrong') }),
    );
    expect(error.code).toBe('RegistryUnauthorized');
    expect(error.message).toMatch(`the credentials for ${authRegistry.host} in`);
  });
});

describe('a registry with token auth (Bearer)', () => {
  let tokenRegistry: RunningRegistry;
  beforeAll(async () => {
    tokenRegistry = await startRegistry({ user, auth: 'token' });
  });
  afterAll(async () => {
    await tokenRegistry.stop();
  });

  it('gets tokens from the realm with the stored credentials, scoped to pull or push', async () => {
    const dir = mkdtempSync(join(work, 'docker-config-'));
    const auth = Buffer.from(`${user.username}:${user.password}`).toString('base64');
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [tokenRegistry.host]: { auth } } }));
    const env = { DOCKER_CONFIG: dir };
    const reference = `${tokenRegistry.host}/bearer/app:v1`;
    const digest = await pushApp(tiny, reference, { env });
    const pulled = await pullOciApp(reference, { cacheDir: freshCache(), env });
    expect(pulled.digest).toBe(digest);
    expect(tokenRegistry.tokens?.requests).toEqual([
      'repository:bearer/app:pull,push',
      'repository:bearer/app:pull',
    ]);
  });

  it('reports the token endpoint refusing anonymous access', async () => {
    const error = await failure(
      pullApp(`${tokenRegistry.host}/bearer/app:v1`, { cacheDir: freshCache(), env: noCredentials }),
    );
    expect(error.code).toBe('RegistryUnauthorized');
    expect(error.message).toMatch(
      /GET http:\/\/127\.0\.0\.1:\d+\/token\?service=.*: 401 Unauthorized; no credentials for/,
    );
  });
});

describe('up -f <registry reference>', () => {
  it('pulls the artifact into the state directory cache and serves it', async () => {
    const reference = `${registry.host}/apps/tiny-up:v1`;
    await pushApp(tiny, reference);
    const stateDir = join(work, 'up-state');
    const { url } = await up(
      ['-f', reference, '--listen', '127.0.0.1:0', '--state-dir', stateDir],
      noCredentials,
    );
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('Hello from a tiny component\n');
  });

  it('fails with the registry error when the reference does not exist', async () => {
    const { code, stderr } = await upFails(
      ['-f', `${registry.host}/apps/missing:v1`, '--state-dir', join(work, 'up-missing')],
      noCredentials,
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/apps\/missing/);
  });
});
