import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RuntimeError } from '../errors.js';
import { loadManifest, parseManifest } from './load-manifest.js';

const FULL_V2 = `spin_manifest_version = 2

[application]
name = "shop"
version = "1.2.0"
description = "A test shop"
authors = ["Ada <ada@example.com>"]

[application.trigger.http]
base = "/shop"

[variables]
api_host = { default = "api.example.com" }
api_token = { required = true, secret = true }

[[trigger.http]]
route = "/..."
component = "frontend"

[[trigger.http]]
id = "internal"
route = { private = true }
component = "backend"

[[trigger.http]]
route = "/inline"
component = { source = "inline.wasm" }

[component.frontend]
description = "serves pages"
source = "target/frontend.wasm"
files = ["static/**/*", { source = "assets", destination = "/assets" }]
exclude_files = ["**/*.bak"]
allowed_outbound_hosts = ["https://{{ api_host }}", "http://self"]
key_value_stores = ["default"]
sqlite_databases = ["default"]
environment = { LOG_LEVEL = "debug" }
[component.frontend.variables]
endpoint = "https://{{ api_host }}/v1"
token = "{{ api_token }}"
[component.frontend.build]
command = "npm run build"

[component.backend]
source = { url = "https://example.com/backend.wasm", digest = "sha256:${'a'.repeat(64)}" }
`;

const file = '/apps/shop/spin.toml';
const error = (text: string): RuntimeError => {
  try {
    parseManifest(text, file);
  } catch (e) {
    if (e instanceof RuntimeError) return e;
    throw e;
  }
  throw new Error('the manifest was accepted');
};

describe('spin.toml version 2', () => {
  const manifest = parseManifest(FULL_V2, file);

  it('reads the application, its HTTP base and its variables', () => {
    expect(manifest.dir).toBe('/apps/shop');
    expect(manifest.application).toEqual({
      name: 'shop',
      version: '1.2.0',
      description: 'A test shop',
      authors: ['Ada <ada@example.com>'],
      httpBase: '/shop',
    });
    expect(manifest.variables.get('api_host')).toEqual({
      default: 'api.example.com',
      required: false,
      secret: false,
    });
    expect(manifest.variables.get('api_token')).toEqual({ required: true, secret: true });
  });

  it('reads path routes, private routes and inline components', () => {
    expect(manifest.httpTriggers).toEqual([
      {
        id: 'trigger-0',
        route: { kind: 'path', path: '/...' },
        component: 'frontend',
        executor: { type: 'spin' },
      },
      { id: 'internal', route: { kind: 'private' }, component: 'backend', executor: { type: 'spin' } },
      {
        id: 'trigger-2',
        route: { kind: 'path', path: '/inline' },
        component: 'inline-component-2',
        executor: { type: 'spin' },
      },
    ]);
    expect(manifest.components.get('inline-component-2')?.source).toEqual({
      kind: 'file',
      path: 'inline.wasm',
    });
    expect(manifest.components.get('inline-component-2')?.fieldPath).toBe('trigger.http[2].component');
  });

  it('reads every component field, and ignores build', () => {
    const frontend = manifest.components.get('frontend');
    expect(frontend).toEqual({
      id: 'frontend',
      fieldPath: 'component.frontend',
      description: 'serves pages',
      source: { kind: 'file', path: 'target/frontend.wasm' },
      files: [
        { kind: 'glob', pattern: 'static/**/*' },
        { kind: 'placement', source: 'assets', destination: '/assets' },
      ],
      excludeFiles: ['**/*.bak'],
      allowedOutboundHosts: ['https://{{ api_host }}', 'http://self'],
      keyValueStores: ['default'],
      sqliteDatabases: ['default'],
      aiModels: [],
      environment: new Map([['LOG_LEVEL', 'debug']]),
      variables: new Map([
        ['endpoint', 'https://{{ api_host }}/v1'],
        ['token', '{{ api_token }}'],
      ]),
    });
    expect(manifest.components.get('backend')?.source).toEqual({
      kind: 'url',
      url: 'https://example.com/backend.wasm',
      digest: `sha256:${'a'.repeat(64)}`,
    });
  });
});

describe('bad manifests are refused with file, line and field', () => {
  it.each([
    [
      'broken TOML',
      'spin_manifest_version = 2\n[application\nname = "x"\n',
      /^\/apps\/shop\/spin\.toml:3: invalid TOML: /,
    ],
    [
      'an unknown field',
      FULL_V2.replace('exclude_files', 'exclude_filez'),
      /^\/apps\/shop\/spin\.toml:33: component\.frontend\.exclude_filez: unknown field "exclude_filez"/,
    ],
    [
      'a trigger naming a missing component',
      FULL_V2.replace('component = "backend"', 'component = "backnd"'),
      /^\/apps\/shop\/spin\.toml:23: trigger\.http\[1\]\.component: component "backnd" is not defined/,
    ],
    [
      'a component without a source',
      FULL_V2.replace('source = "target/frontend.wasm"\n', ''),
      /spin\.toml:\d+: component\.frontend\.source: missing: every component needs a source/,
    ],
    [
      'a component id that is not kebab-case',
      FULL_V2.replace('[component.backend]', '[component.Back_End]'),
      /spin\.toml:\d+: component\.Back_End: component id "Back_End" must be kebab-case/,
    ],
    [
      'a variable both required and defaulted',
      FULL_V2.replace(
        'api_token = { required = true, secret = true }',
        'api_token = { required = true, default = "x" }',
      ),
      /^\/apps\/shop\/spin\.toml:14: variables\.api_token: variable "api_token" cannot be both required and have a default/,
    ],
    [
      'a template naming an undeclared variable',
      FULL_V2.replace('token = "{{ api_token }}"', 'token = "{{ api_secret }}"'),
      /^\/apps\/shop\/spin\.toml:40: component\.frontend\.variables\.token: template refers to "\{\{ api_secret \}\}", which is not declared/,
    ],
    [
      'a malformed digest',
      FULL_V2.replace(`sha256:${'a'.repeat(64)}`, 'sha256:123'),
      /spin\.toml:\d+: component\.backend\.source\.digest: digest must be/,
    ],
    [
      'a route without a leading slash',
      FULL_V2.replace('route = "/..."', 'route = "..."'),
      /^\/apps\/shop\/spin\.toml:17: trigger\.http\[0\]\.route: route "\.\.\." must start with "\/"/,
    ],
    [
      'a relative file destination',
      FULL_V2.replace('destination = "/assets"', 'destination = "assets"'),
      /spin\.toml:32: component\.frontend\.files\[1\]\.destination: destination "assets" must be an absolute path/,
    ],
    [
      'a wrong value type',
      FULL_V2.replace('key_value_stores = ["default"]', 'key_value_stores = "default"'),
      /spin\.toml:35: component\.frontend\.key_value_stores: expected an array, found string "default"/,
    ],
    [
      'a non-HTTP trigger',
      FULL_V2.replace('[[trigger.http]]\nroute = "/inline"', '[[trigger.redis]]\nroute = "/inline"'),
      /trigger\.redis: trigger type "redis" is not supported/,
    ],
    [
      'an unsupported version',
      FULL_V2.replace('spin_manifest_version = 2', 'spin_manifest_version = 3'),
      /^\/apps\/shop\/spin\.toml:1: spin_manifest_version: unsupported spin_manifest_version 3/,
    ],
    ['no version', 'name = "x"\n', /spin_manifest_version: missing spin_manifest_version/],
  ])('%s', (_what, text, expected) => {
    const e = error(text);
    expect(e.message).toMatch(expected);
    expect(e.where?.file).toBe(file);
  });
});

describe('spin.toml version 1, converted on load', () => {
  const V1 = `spin_manifest_version = "1"
name = "legacy"
version = "0.1.0"
trigger = { type = "http", base = "/" }

[variables]
greeting = { default = "hello" }

[[component]]
id = "hello"
source = "hello.wasm"
allowed_http_hosts = ["example.com"]
key_value_stores = ["default"]
[component.trigger]
route = "/hello/..."
[component.config]
message = "{{ greeting }} world"
`;

  it('becomes the same model as version 2', () => {
    const manifest = parseManifest(V1, file);
    expect(manifest.application).toEqual({ name: 'legacy', version: '0.1.0', authors: [], httpBase: '/' });
    expect(manifest.httpTriggers).toEqual([
      {
        id: 'trigger-0',
        route: { kind: 'path', path: '/hello/...' },
        component: 'hello',
        executor: { type: 'spin' },
      },
    ]);
    const hello = manifest.components.get('hello');
    expect(hello?.variables).toEqual(new Map([['message', '{{ greeting }} world']]));
    expect(hello?.allowedOutboundHosts).toEqual(['http://example.com', 'https://example.com']);
    expect(hello?.keyValueStores).toEqual(['default']);
  });

  it('reports errors at the version 1 line and field', () => {
    expect(() => parseManifest(V1.replace('{{ greeting }}', '{{ missing }}'), file)).toThrow(
      /^\/apps\/shop\/spin\.toml:17: component\.hello\.variables\.message: template refers to "\{\{ missing \}\}"/,
    );
    expect(() => parseManifest(V1.replace('route = "/hello/..."', 'route = "hello"'), file)).toThrow(
      /^\/apps\/shop\/spin\.toml:15: trigger\.http\[0\]\.route: route "hello" must start with "\/"/,
    );
  });
});

describe('loadManifest', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spinkube-manifest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads spin.toml from a directory or a file', async () => {
    writeFileSync(join(dir, 'spin.toml'), FULL_V2);
    expect((await loadManifest(dir)).file).toBe(join(dir, 'spin.toml'));
    expect((await loadManifest(join(dir, 'spin.toml'))).application.name).toBe('shop');
  });

  it('says what is missing', async () => {
    await expect(loadManifest(join(dir, 'nope'))).rejects.toThrow(
      `no such file or directory: ${join(dir, 'nope')}`,
    );
    const empty = mkdtempSync(join(tmpdir(), 'spinkube-manifest-empty-'));
    try {
      await expect(loadManifest(empty)).rejects.toThrow(`${empty} has no spin.toml`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
