import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { up, upFails } from './up-process.js';

const dist = join(import.meta.dirname, '..', '..', '..', 'examples', 'dist');
const work = mkdtempSync(join(tmpdir(), 'spinkube-up-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function app(name: string, body: string): string {
  const file = join(work, `${name}.toml`);
  writeFileSync(file, `spin_manifest_version = 2\n[application]\nname = "${name}"\n${body}`);
  return file;
}

/** Any file that is not WebAssembly: this test file itself. */
const notWasm = () => join(import.meta.dirname, 'up-command.int.test.ts');

const TWO_COMPONENTS = `
[[trigger.http]]
route = "/hello/..."
component = "hello"
[[trigger.http]]
route = "/trap"
component = "trap"
[component.hello]
source = "${join(dist, 'tiny-hello.wasm')}"
[component.trap]
source = "${join(dist, 'tiny-trap.wasm')}"
`;

describe('spinkube-runtime up', () => {
  it('serves the app, prints its routes like spin up, and exits 0 on SIGTERM', async () => {
    const { url, child, stdout } = await up([
      '-f',
      app('both', TWO_COMPONENTS),
      '--listen',
      '127.0.0.1:0',
      '--state-dir',
      join(work, 'state'),
    ]);
    expect(stdout()).toContain(`Available Routes:\n  hello: ${url}/hello (wildcard)\n  trap: ${url}/trap\n`);
    expect(await (await fetch(`${url}/hello/there`)).text()).toBe('Hello from a tiny component\n');
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('listens on SPIN_HTTP_LISTEN_ADDR when --listen is not given', async () => {
    const { url } = await up(['-f', app('env-listen', TWO_COMPONENTS), '--state-dir', join(work, 'state')], {
      SPIN_HTTP_LISTEN_ADDR: '127.0.0.1:0',
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/hello`)).status).toBe(200);
  });

  it('serves only retained components, by flag or SPIN_COMPONENTS_TO_RETAIN', async () => {
    const file = app('selective', TWO_COMPONENTS);
    const byFlag = await up([
      '-f',
      file,
      '--listen',
      '127.0.0.1:0',
      '--component-id',
      'hello',
      '--state-dir',
      join(work, 'state'),
    ]);
    expect((await fetch(`${byFlag.url}/hello`)).status).toBe(200);
    expect((await fetch(`${byFlag.url}/trap`)).status).toBe(404);
    const byEnv = await up(['-f', file, '--listen', '127.0.0.1:0', '--state-dir', join(work, 'state')], {
      SPIN_COMPONENTS_TO_RETAIN: 'trap',
    });
    expect((await fetch(`${byEnv.url}/hello`)).status).toBe(404);
    expect((await fetch(`${byEnv.url}/trap`)).status).toBe(500);
  });

  it('refuses a missing component source, naming file, line and field', async () => {
    const file = app(
      'missing',
      '[[trigger.http]]\nroute = "/..."\ncomponent = "gone"\n[component.gone]\nsource = "gone.wasm"\n',
    );
    const { code, stderr } = await upFails(['-f', file, '--state-dir', join(work, 'state')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      new RegExp(
        `^Error: ${file.replace(/[.]/g, '\\.')}:8: component\\.gone\\.source: cannot read .*gone\\.wasm: no such file`,
      ),
    );
  });

  it('refuses a component that imports what the host does not provide, listing the imports', async () => {
    const file = app(
      'unsupported',
      `[[trigger.http]]\nroute = "/..."\ncomponent = "env"\n[component.env]\nsource = "${join(dist, 'tiny-unsupported.wasm')}"\n`,
    );
    const { code, stderr } = await upFails(['-f', file, '--state-dir', join(work, 'state')]);
    expect(code).toBe(1);
    expect(stderr).toContain('this runtime does not provide every interface the app imports:');
    expect(stderr).toMatch(
      /component "env" \(line 7\) imports wasi:sockets\/instance-network@0\.2\.3, wasi:sockets\/network@0\.2\.3|component "env" \(line 7\) imports wasi:sockets\/network@0\.2\.3, wasi:sockets\/instance-network@0\.2\.3/,
    );
  });

  it('refuses to start when a required variable is unset, and an unknown component to retain', async () => {
    const withVariable = app('vars', `[variables]\ntoken = { required = true }\n${TWO_COMPONENTS}`);
    const missingVariable = await upFails(['-f', withVariable, '--state-dir', join(work, 'state')]);
    expect(missingVariable.stderr).toContain(
      'required variables have no value: token (e.g. SPIN_VARIABLE_TOKEN)',
    );
    const unknown = await upFails([
      '-f',
      app('unknown', TWO_COMPONENTS),
      '--component-id',
      'nope',
      '--state-dir',
      join(work, 'state'),
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no component named "nope" to retain; the app has: hello, trap');
  });

  it('refuses a source that is not a component, naming the field', async () => {
    const file = app(
      'not-wasm',
      `[[trigger.http]]\nroute = "/..."\ncomponent = "bad"\n[component.bad]\nsource = "${notWasm()}"\n`,
    );
    const { code, stderr } = await upFails(['-f', file, '--state-dir', join(work, 'state')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/:8: component\.bad\.source: not a valid WebAssembly component/);
  });

  it('refuses a malformed manifest and a bad runtime config, naming file and line', async () => {
    const broken = app('broken', '[[trigger.http]]\nroute = "/..."\ncomponent = \n');
    const manifest = await upFails(['-f', broken, '--state-dir', join(work, 'state')]);
    expect(manifest.code).toBe(1);
    expect(manifest.stderr).toMatch(new RegExp(`^Error: ${broken.replace(/[.]/g, '\\.')}:7: invalid TOML`));
    const config = join(work, 'bad-runtime-config.toml');
    writeFileSync(config, '[key_value_store.default]\ntype = "dynamo"\n');
    const runtimeConfig = await upFails([
      '-f',
      app('rc', TWO_COMPONENTS),
      '--runtime-config-file',
      config,
      '--state-dir',
      join(work, 'state'),
    ]);
    expect(runtimeConfig.code).toBe(1);
    expect(runtimeConfig.stderr).toContain(
      `${config}:2: key_value_store.default.type: unknown type "dynamo"`,
    );
  });

  it('refuses a bad listen address', async () => {
    const { code, stderr } = await upFails(['-f', app('listen', TWO_COMPONENTS), '--listen', 'localhost']);
    expect(code).toBe(1);
    expect(stderr).toContain('listen address "localhost" must be host:port');
  });
});

describe('Spin variables in a component', () => {
  const VARIABLE_APP = `[variables]
greetee = { default = "world" }
[[trigger.http]]
route = "/..."
component = "greeter"
[component.greeter]
source = "${join(dist, 'tiny-variable.wasm')}"
[component.greeter.variables]
message = "Hello, {{ greetee }}!"
`;

  it('reads its rendered variable through fermyon:spin/variables, from the default or SPIN_VARIABLE_*', async () => {
    const file = app('variables', VARIABLE_APP);
    const byDefault = await up(['-f', file, '--listen', '127.0.0.1:0', '--state-dir', join(work, 'state')]);
    expect(await (await fetch(`${byDefault.url}/`)).text()).toBe('Hello, world!');
    const byEnv = await up(['-f', file, '--listen', '127.0.0.1:0', '--state-dir', join(work, 'state')], {
      SPIN_VARIABLE_GREETEE: 'SpinKube',
    });
    expect(await (await fetch(`${byEnv.url}/`)).text()).toBe('Hello, SpinKube!');
  });

  it('answers undefined(name) for a variable the component does not declare', async () => {
    const file = app('undeclared', VARIABLE_APP.replace('message = "Hello, {{ greetee }}!"', 'other = "x"'));
    const { url } = await up(['-f', file, '--listen', '127.0.0.1:0', '--state-dir', join(work, 'state')]);
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('message');
  });
});
