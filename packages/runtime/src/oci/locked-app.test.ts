import { describe, expect, it } from 'vitest';
import { parseManifest } from '../manifest/load-manifest.js';
import { appManifestFromLockedApp } from './app-from-lock.js';
import { sha256Digest } from '@spinkube/oci';
import { lockedAppFromManifest, type ComponentContent } from './lock-from-app.js';
import { parseLockedApp, serializeLockedApp, type LockedApp } from './locked-app.js';

const WASM_A = `sha256:${'a'.repeat(64)}`;
const WASM_B = `sha256:${'b'.repeat(64)}`;
const BIG = `sha256:${'c'.repeat(64)}`;
const small = Buffer.from('hello');

const manifest = parseManifest(
  `spin_manifest_version = 2

[application]
name = "shop"
version = "1.2.0"
description = "a shop"
authors = ["Ann <ann@example.com>"]
[application.trigger.http]
base = "/shop"

[variables]
api_host = { default = "api.example.com" }
api_token = { required = true, secret = true }

[[trigger.http]]
route = "/..."
component = "web"

[[trigger.http]]
id = "internal"
route = { private = true }
component = "backend"

[[trigger.http]]
route = "/cgi"
component = "backend"
executor = { type = "wagi", argv = "\${SCRIPT_NAME} x" }

[component.web]
source = "web.wasm"
description = "pages"
allowed_outbound_hosts = ["https://{{ api_host }}", "http://backend.spin.internal"]
key_value_stores = ["default"]
sqlite_databases = ["orders"]
environment = { MODE = "prod" }
[component.web.variables]
token = "{{ api_token }}"

[component.backend]
source = "backend.wasm"
`,
  '/apps/shop/spin.toml',
);

const content = new Map<string, ComponentContent>([
  [
    'web',
    {
      wasmDigest: WASM_A,
      files: [
        { guestPath: '/static/big.bin', digest: BIG },
        { guestPath: '/static/hi.txt', digest: sha256Digest(small), inline: small },
      ],
    },
  ],
  ['backend', { wasmDigest: WASM_B, files: [] }],
]);

describe('lockedAppFromManifest', () => {
  it('writes the lock Spin writes for the manifest', () => {
    const lock = lockedAppFromManifest(manifest, content);
    expect(lock).toEqual({
      spin_lock_version: 1,
      must_understand: ['component_host_requirements'],
      metadata: {
        name: 'shop',
        version: '1.2.0',
        description: 'a shop',
        authors: ['Ann <ann@example.com>'],
        triggers: { http: { base: '/shop' } },
        trigger: { type: 'http', base: '/shop' },
      },
      variables: { api_host: { default: 'api.example.com' }, api_token: { secret: true } },
      triggers: [
        { id: 'trigger-0', trigger_type: 'http', trigger_config: { component: 'web', route: '/...' } },
        {
          id: 'internal',
          trigger_type: 'http',
          trigger_config: { component: 'backend', route: { private: true } },
        },
        {
          id: 'trigger-2',
          trigger_type: 'http',
          trigger_config: {
            component: 'backend',
            route: '/cgi',
            executor: { type: 'wagi', argv: '${SCRIPT_NAME} x' },
          },
        },
      ],
      components: [
        {
          id: 'web',
          metadata: {
            description: 'pages',
            allowed_outbound_hosts: ['https://{{ api_host }}', 'http://backend.spin.internal'],
            key_value_stores: ['default'],
            databases: ['orders'],
            ai_models: [],
          },
          source: { content_type: 'application/wasm', digest: WASM_A },
          env: { MODE: 'prod' },
          files: [
            { digest: BIG, path: 'static/big.bin' },
            { inline: small.toString('base64'), digest: sha256Digest(small), path: 'static/hi.txt' },
          ],
          config: { token: '{{ api_token }}' },
          host_requirements: { local_service_chaining: 'required' },
        },
        {
          id: 'backend',
          metadata: { allowed_outbound_hosts: [], key_value_stores: [], databases: [], ai_models: [] },
          source: { content_type: 'application/wasm', digest: WASM_B },
        },
      ],
    });
  });

  it('is version 0 without host requirements', () => {
    const plain = parseManifest(
      'spin_manifest_version = 2\n[application]\nname = "a"\n[[trigger.http]]\nroute = "/"\ncomponent = "c"\n[component.c]\nsource = "c.wasm"\n',
      '/a/spin.toml',
    );
    const lock = lockedAppFromManifest(plain, new Map([['c', { wasmDigest: WASM_A, files: [] }]]));
    expect(lock.spin_lock_version).toBe(0);
    expect(lock.must_understand).toBeUndefined();
  });
});

describe('appManifestFromLockedApp', () => {
  const paths = {
    file: 'localhost:5000/shop:v1',
    dir: '/cache/registry',
    wasmPath: (digest: string) => `/cache/registry/wasm/${digest}`,
    dataPath: (digest: string) => `/cache/registry/data/${digest}`,
  };

  it('round-trips a manifest through the lock JSON', () => {
    const lock = parseLockedApp(serializeLockedApp(lockedAppFromManifest(manifest, content)), 'lock');
    const app = appManifestFromLockedApp(lock, paths);
    expect(app.file).toBe('localhost:5000/shop:v1');
    expect(app.application).toEqual(manifest.application);
    expect(app.variables).toEqual(manifest.variables);
    expect(app.httpTriggers).toEqual(manifest.httpTriggers);
    const web = app.components.get('web');
    const original = manifest.components.get('web');
    expect(web).toEqual({
      ...original,
      fieldPath: 'components[0]',
      source: { kind: 'file', path: `/cache/registry/wasm/${WASM_A}` },
      files: [
        { kind: 'file', source: `/cache/registry/data/${BIG}`, destination: '/static/big.bin' },
        {
          kind: 'file',
          source: `/cache/registry/data/${sha256Digest(small)}`,
          destination: '/static/hi.txt',
        },
      ],
    });
    expect(app.components.get('backend')?.source).toEqual({
      kind: 'file',
      path: `/cache/registry/wasm/${WASM_B}`,
    });
    expect(app.lineOf('components[0]')).toBeUndefined();
  });

  const base: LockedApp = {
    spin_lock_version: 0,
    metadata: { name: 'x' },
    triggers: [{ id: 't', trigger_type: 'http', trigger_config: { component: 'c', route: '/' } }],
    components: [{ id: 'c', source: { content_type: 'application/wasm', digest: WASM_A } }],
  };
  const convert = (lock: object) =>
    appManifestFromLockedApp(parseLockedApp(Buffer.from(JSON.stringify(lock)), 'app.lock'), paths);

  it('accepts an older lock with the base under metadata.trigger and no variables', () => {
    const app = convert({ ...base, metadata: { name: 'x', trigger: { type: 'http', base: '/old' } } });
    expect(app.application.httpBase).toBe('/old');
    expect(app.variables.size).toBe(0);
  });

  it.each([
    [{ ...base, spin_lock_version: 7 }, /app\.lock: spin_lock_version: unsupported version 7/],
    [
      { ...base, must_understand: ['warp_drive'] },
      /must_understand\[0\]: this runtime does not understand "warp_drive"/,
    ],
    [
      { ...base, triggers: [{ id: 't', trigger_type: 'redis', trigger_config: { component: 'c' } }] },
      /localhost:5000\/shop:v1: triggers\[0\]\.trigger_type: trigger type "redis" is not supported/,
    ],
    [
      {
        ...base,
        triggers: [{ id: 't', trigger_type: 'http', trigger_config: { component: 'd', route: '/' } }],
      },
      /triggers\[0\]\.trigger_config\.component: no component "d"/,
    ],
    [
      {
        ...base,
        triggers: [{ id: 't', trigger_type: 'http', trigger_config: { component: 'c', route: 5 } }],
      },
      /triggers\[0\]\.trigger_config\.route: expected a route/,
    ],
    [
      { ...base, components: [{ id: 'c', source: { content_type: 'application/wasm', digest: 'md5:x' } }] },
      /components\[0\]\.source\.digest: expected sha256:<64 hex digits>, found "md5:x"/,
    ],
    [
      {
        ...base,
        components: [{ id: 'c', source: { content_type: 'application/wasm', source: 'file:///x.wasm' } }],
      },
      /components\[0\]\.source: content needs a "digest" or "inline"/,
    ],
    [
      {
        ...base,
        components: [{ ...base.components[0], files: [{ inline: 'aGk=', path: '../etc/passwd' }] }],
      },
      /components\[0\]\.files\[0\]\.path: "\.\.\/etc\/passwd" leaves the guest's "\/"/,
    ],
    [
      { ...base, components: [{ ...base.components[0], config: { a: '{{ nope }}' } }] },
      /components\[0\]\.config\.a: template refers to "\{\{ nope \}\}"/,
    ],
    [{ ...base, metadata: {} }, /metadata\.name: expected a string, found nothing/],
    [{ ...base, components: 'x' }, /app\.lock: components: expected an array, found string "x"/],
  ])('refuses a malformed lock naming the field (%#)', (lock, message) => {
    expect(() => convert(lock)).toThrow(message);
  });

  it('refuses text that is not JSON', () => {
    expect(() => parseLockedApp(Buffer.from('{'), 'app.lock')).toThrow(/app\.lock: not JSON/);
  });
});
