import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../manifest/load-manifest.js';
import { resolveVariables } from './variables.js';

const manifest = parseManifest(
  `spin_manifest_version = 2
[application]
name = "vars"
[variables]
greetee = { default = "world" }
api_key = { required = true, secret = true }
region = { default = "eu" }
[[trigger.http]]
route = "/..."
component = "hello"
[component.hello]
source = "hello.wasm"
[component.hello.variables]
message = "Hello, {{ greetee }}!"
key = "{{ api_key }}"
where = "{{region}}-{{ greetee }}"
`,
  '/app/spin.toml',
);
const env = { type: 'env' as const, prefix: 'SPIN_VARIABLE_' };

describe('variables', () => {
  it('renders component templates from env values and defaults', () => {
    const resolved = resolveVariables(manifest, [env], {
      SPIN_VARIABLE_API_KEY: 's3cret',
      SPIN_VARIABLE_REGION: 'us',
    });
    expect(resolved.get('hello', 'message')).toBe('Hello, world!');
    expect(resolved.get('hello', 'key')).toBe('s3cret');
    expect(resolved.get('hello', 'where')).toBe('us-world');
    expect(resolved.get('hello', 'undeclared')).toBeUndefined();
    expect(resolved.get('other', 'message')).toBeUndefined();
    expect([...resolved.secrets]).toEqual(['api_key']);
  });

  it('refuses to start when a required variable has no value, naming the env variable to set', () => {
    expect(() => resolveVariables(manifest, [env], {})).toThrow(
      '/app/spin.toml: variables: required variables have no value: api_key (e.g. SPIN_VARIABLE_API_KEY)',
    );
  });

  it('asks providers in order, with their prefixes, then dotenv files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinkube-dotenv-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const dotenvPath = join(dir, '.env');
    writeFileSync(dotenvPath, '# comment\nAPP_API_KEY="from-dotenv"\nexport APP_GREETEE=dotenv\n');
    const resolved = resolveVariables(manifest, [{ type: 'env', prefix: 'APP_', dotenvPath }, env], {
      APP_GREETEE: 'first',
      SPIN_VARIABLE_GREETEE: 'second',
    });
    expect(resolved.get('hello', 'message')).toBe('Hello, first!');
    expect(resolved.get('hello', 'key')).toBe('from-dotenv');
  });
});
