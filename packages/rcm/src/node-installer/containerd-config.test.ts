import { getStaticTOMLValue, parseTOML } from 'toml-eslint-parser';
import { describe, expect, it } from 'vitest';
import { addRuntime, CRI_RUNTIME, GRPC_CRI, removeRuntime } from './containerd-config.js';

const SHIM = { name: 'spin-v2', binaryPath: '/opt/rcm/bin/containerd-shim-spin-v2' };

// A containerd 1.7 config as kind writes it (trimmed), with a comment and no final newline.
const V2 = `version = 2

[plugins."io.containerd.grpc.v1.cri".containerd]
  # the user's own comment
  default_runtime_name = "runc"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"`;

// containerd 2.x.
const V3 = `version = 3

[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
  runtime_type = 'io.containerd.runc.v2'
`;

type Runtimes = Record<string, Record<string, unknown>>;
/** The runtimes table of `plugin` in the config `text`. */
function runtimesIn(text: string, plugin: string): Runtimes {
  const config = getStaticTOMLValue(parseTOML(text)) as {
    plugins: Record<string, { containerd: { runtimes: Runtimes } }>;
  };
  return config.plugins[plugin]?.containerd.runtimes ?? {};
}

describe('addRuntime', () => {
  it('adds the runtime under the 1.x CRI plugin of a version 2 config, options as TOML values', () => {
    const edit = addRuntime(V2, 'config.toml', {
      ...SHIM,
      options: { SystemdCgroup: 'true', BinaryName: '/usr/bin/x', Weird: 'not = toml' },
    });
    expect(edit.changed).toBe(true);
    expect(edit.text.startsWith(V2)).toBe(true);
    const runtime = runtimesIn(edit.text, GRPC_CRI)['spin-v2'];
    expect(runtime).toEqual({
      runtime_type: '/opt/rcm/bin/containerd-shim-spin-v2',
      options: { BinaryName: '/usr/bin/x', SystemdCgroup: true, Weird: 'not = toml' },
    });
    // The user's runtime is still there.
    expect(runtimesIn(edit.text, GRPC_CRI)['runc']).toBeDefined();
  });

  it('adds it under the 2.x runtime plugin of a version 3 config', () => {
    const edit = addRuntime(V3, 'config.toml', SHIM);
    const runtimes = runtimesIn(edit.text, CRI_RUNTIME);
    expect(Object.keys(runtimes)).toEqual(['runc', 'spin-v2']);
    expect(edit.text).not.toContain('.options]');
  });

  it('changes nothing when run again, and replaces its own block when the binary or options change', () => {
    const first = addRuntime(V2, 'config.toml', SHIM);
    expect(addRuntime(first.text, 'config.toml', SHIM)).toEqual({ text: first.text, changed: false });
    const changed = addRuntime(first.text, 'config.toml', { ...SHIM, options: { SystemdCgroup: 'false' } });
    expect(changed.changed).toBe(true);
    expect(changed.text.match(/BEGIN runtime-class-manager spin-v2\n/g)).toHaveLength(1);
    expect(runtimesIn(changed.text, GRPC_CRI)['spin-v2']?.['options']).toEqual({
      SystemdCgroup: false,
    });
  });

  it('leaves a runtime of that name that the file defines itself, and says so; a name that only contains it is no match', () => {
    const own = `${V2}\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.spin-v2]\n  runtime_type = "mine"\n`;
    const edit = addRuntime(own, '/etc/containerd/config.toml', SHIM);
    expect(edit).toMatchObject({ text: own, changed: false });
    expect(edit.note).toContain('/etc/containerd/config.toml already defines runtime "spin-v2"');
    const spin = addRuntime(addRuntime(V2, 'c', { ...SHIM, name: 'spin-v2-extra' }).text, 'c', SHIM);
    expect(spin.changed).toBe(true);
  });

  it('refuses a file that is not TOML, naming the file and line, and one the block would break', () => {
    expect(() => addRuntime('version = 2\n[plugins\n', '/etc/containerd/config.toml', SHIM)).toThrow(
      /\/etc\/containerd\/config\.toml:\d+:\d+: not valid TOML .*the file was not changed/,
    );
    const inline = `version = 2\nplugins = { "io.containerd.grpc.v1.cri" = { containerd = { runtimes = {} } } }\n`;
    expect(() => addRuntime(inline, 'inline.toml', SHIM)).toThrow(
      /inline\.toml: adding the runtime would make it invalid TOML/,
    );
  });
});

describe('removeRuntime', () => {
  it('gives back the original bytes, with or without a final newline', () => {
    for (const original of [V2, V3, '']) {
      const added = addRuntime(original, 'c', { ...SHIM, options: { SystemdCgroup: 'true' } }).text;
      expect(removeRuntime(added, 'c', 'spin-v2')).toEqual({ text: original, changed: true });
    }
  });

  it('removes only its own runtime, and nothing when it never added one', () => {
    const both = addRuntime(addRuntime(V2, 'c', SHIM).text, 'c', { ...SHIM, name: 'wasmtime-v1' }).text;
    const removed = removeRuntime(both, 'c', 'spin-v2');
    expect(Object.keys(runtimesIn(removed.text, GRPC_CRI))).toEqual(['runc', 'wasmtime-v1']);
    expect(removeRuntime(V2, 'c', 'spin-v2')).toEqual({ text: V2, changed: false });
  });
});
