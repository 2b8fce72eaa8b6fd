import { describe, expect, it } from 'vitest';
import { nodeInstallerProgram, type InstallerCommand } from './node-installer-program.js';
import { runtimeOptionsFromEnv } from './runtime-options-env.js';

/** The command `args` parse to, with `env` as the process environment. */
async function parse(args: string[], env: NodeJS.ProcessEnv = {}): Promise<InstallerCommand> {
  let parsed: InstallerCommand | undefined;
  const program = nodeInstallerProgram('1.2.3', env, (command) => {
    parsed = command;
    return Promise.resolve();
  });
  for (const command of [program, ...program.commands])
    command.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  await program.parseAsync(args, { from: 'user' });
  if (!parsed) throw new Error('no command ran');
  return parsed;
}

describe('rcm-node-installer flags', () => {
  it("takes the node Job's arguments (upstream's: install -H /mnt/node-root -r <shim>)", async () => {
    expect(await parse(['install', '-H', '/mnt/node-root', '-r', 'spin-v2'])).toEqual({
      name: 'install',
      options: { runtime: 'spin-v2', rcmPath: '/opt/rcm', hostRoot: '/mnt/node-root', assetPath: '/assets' },
    });
  });

  it("keeps upstream's defaults", async () => {
    expect(await parse(['uninstall'])).toEqual({
      name: 'uninstall',
      options: { runtime: 'containerd', rcmPath: '/opt/rcm', hostRoot: '/' },
    });
  });

  it('takes the long flags, before or after the command', async () => {
    expect(
      await parse([
        '--host-root=/host',
        '--runtime-config',
        '/etc/k8s/containerd.toml',
        'install',
        '--rcm-path',
        '/var/lib/rcm',
        '--asset-path',
        '/tmp/assets',
        '--runtime',
        'wasmtime-v1',
      ]),
    ).toEqual({
      name: 'install',
      options: {
        runtime: 'wasmtime-v1',
        runtimeConfig: '/etc/k8s/containerd.toml',
        rcmPath: '/var/lib/rcm',
        hostRoot: '/host',
        assetPath: '/tmp/assets',
      },
    });
  });

  it('reads RCM_* variables and HOST_ROOT when a flag is not given; a flag wins', async () => {
    const env = {
      RCM_RUNTIME: 'spin-v2',
      RCM_RUNTIME_CONFIG: '/etc/containerd/other.toml',
      RCM_RCM_PATH: '/srv/rcm',
      HOST_ROOT: '/mnt/node-root',
      RCM_ASSET_PATH: '/downloads',
    };
    expect(await parse(['install'], env)).toEqual({
      name: 'install',
      options: {
        runtime: 'spin-v2',
        runtimeConfig: '/etc/containerd/other.toml',
        rcmPath: '/srv/rcm',
        hostRoot: '/mnt/node-root',
        assetPath: '/downloads',
      },
    });
    expect((await parse(['install'], { ...env, RCM_HOST_ROOT: '/rcm-root' })).options.hostRoot).toBe(
      '/rcm-root',
    );
    expect((await parse(['install', '-H', '/flag', '-a', '/a'], env)).options).toMatchObject({
      hostRoot: '/flag',
      assetPath: '/a',
    });
  });

  it('passes RUNTIME_OPTIONS to install', async () => {
    expect(
      (await parse(['install'], { RUNTIME_OPTIONS: '{"SystemdCgroup":"true","BinaryName":"\\"crun\\""}' }))
        .options,
    ).toMatchObject({ runtimeOptions: { SystemdCgroup: 'true', BinaryName: '"crun"' } });
    expect((await parse(['install'], { RUNTIME_OPTIONS: '' })).options).not.toHaveProperty('runtimeOptions');
  });

  it('refuses unknown flags and commands, and a missing value', async () => {
    await expect(parse(['install', '--force'])).rejects.toThrow("error: unknown option '--force'");
    await expect(parse(['upgrade'])).rejects.toThrow("error: unknown command 'upgrade'");
    await expect(parse(['install', '-H'])).rejects.toThrow(
      "error: option '-H, --host-root <path>' argument missing",
    );
    await expect(parse(['uninstall', '-r', ''])).rejects.toThrow('-r/--runtime is empty');
  });

  it('answers --version', async () => {
    let printed = '';
    const program = nodeInstallerProgram('1.2.3', {}, () => Promise.resolve()).configureOutput({
      writeOut: (text) => (printed += text),
    });
    await expect(program.parseAsync(['--version'], { from: 'user' })).rejects.toMatchObject({ exitCode: 0 });
    expect(printed).toBe('1.2.3\n');
  });
});

describe('RUNTIME_OPTIONS', () => {
  it('is a JSON object of strings', () => {
    expect(runtimeOptionsFromEnv({ RUNTIME_OPTIONS: '{"SystemdCgroup":"true"}' })).toEqual({
      SystemdCgroup: 'true',
    });
    expect(runtimeOptionsFromEnv({})).toBeUndefined();
  });

  it('refuses what is not, naming RUNTIME_OPTIONS and what is wrong', () => {
    expect(() => runtimeOptionsFromEnv({ RUNTIME_OPTIONS: '{SystemdCgroup: true}' })).toThrow(
      /^RUNTIME_OPTIONS is not valid JSON \(.+\): \{SystemdCgroup: true\}$/,
    );
    expect(() => runtimeOptionsFromEnv({ RUNTIME_OPTIONS: '["a"]' })).toThrow(
      'RUNTIME_OPTIONS must be a JSON object of strings, not an array: ["a"]',
    );
    expect(() => runtimeOptionsFromEnv({ RUNTIME_OPTIONS: '"x"' })).toThrow(
      'RUNTIME_OPTIONS must be a JSON object of strings, not a string: "x"',
    );
    expect(() => runtimeOptionsFromEnv({ RUNTIME_OPTIONS: '{"SystemdCgroup":true}' })).toThrow(
      'RUNTIME_OPTIONS: the value of "SystemdCgroup" must be a string, not a boolean (write "SystemdCgroup": "true")',
    );
    expect(() => runtimeOptionsFromEnv({ RUNTIME_OPTIONS: '{"Limits":{"cpu":1}}' })).toThrow(
      'RUNTIME_OPTIONS: the value of "Limits" must be a string, not an object',
    );
  });
});
