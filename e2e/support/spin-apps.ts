/**
 * Spin apps of ours as OCI artifacts with Spin's media types (what `spin registry push` makes), pushed to the
 * real node's registry: the examples' components (examples/dist) under manifests written here for what
 * each test needs.
 */
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadManifest, pushApp } from '@spinkube/runtime';

const EXAMPLES_DIST = join(import.meta.dirname, '..', '..', 'examples', 'dist');

export function exampleWasm(name: string): string {
  const wasm = join(EXAMPLES_DIST, `${name}.wasm`);
  if (!existsSync(wasm))
    throw new Error(`${wasm} is missing: build the examples (npx nx run examples:build)`);
  return wasm;
}

/** Writes `spinToml` (`{{wasm:<example>}}` stands for that example's component) and pushes it as `reference`. */
export async function pushSpinApp(spinToml: string, reference: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'spinkube-e2e-app-'));
  try {
    const manifest = spinToml.replace(/\{\{wasm:([\w-]+)\}\}/g, (_m, name: string) => exampleWasm(name));
    writeFileSync(join(dir, 'spin.toml'), manifest);
    return await pushApp(await loadManifest(dir), reference, { insecure: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One component answering every path: js-hello prints each request (`GET /path`) to its stdout. */
export const helloApp = (name: string, example = 'js-hello') => `spin_manifest_version = 2
[application]
name = "${name}"
version = "0.1.0"
[[trigger.http]]
route = "/..."
component = "${name}"
[component.${name}]
source = "{{wasm:${example}}}"
`;

/** Upstream's variables sample sets `greetee`; the component answers with its `message`. */
export const variablesApp = `spin_manifest_version = 2
[application]
name = "variabletester"
version = "0.1.0"
[variables]
greetee = { required = true }
[[trigger.http]]
route = "/..."
component = "greeter"
[component.greeter]
source = "{{wasm:tiny-variable}}"
[component.greeter.variables]
message = "Hello, {{ greetee }}!"
`;

/** Upstream's selective-deployment sample keeps `hello` only. */
export const salutationsApp = `spin_manifest_version = 2
[application]
name = "salutations"
version = "0.1.0"
[[trigger.http]]
route = "/hello"
component = "hello"
[[trigger.http]]
route = "/goodbye"
component = "goodbye"
[component.hello]
source = "{{wasm:tiny-hello}}"
[component.goodbye]
source = "{{wasm:tiny-counter}}"
`;
