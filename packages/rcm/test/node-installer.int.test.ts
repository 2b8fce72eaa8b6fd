/**
 * The packaged `rcm-node-installer` against a real containerd (test-cluster's pinned 1.7 and 2.2 builds) that
 * runs under test-cluster's supervisor, as a node without systemd runs it: the node's root is a temporary
 * directory (`-H`), containerd reads `<root>/etc/containerd/config.toml`, and every path containerd uses is
 * under that root. Checks that the runtime reaches the config and containerd loads it after a real restart
 * (a new PID), that a second identical install restarts nothing, that a binary being executed is replaced
 * without `text file busy`, that uninstall gives back the config's exact bytes, and that failures end in the
 * termination log. Every process started here is stopped by its PID.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { binaryPath, containerdTool, ensureTool, eventually, Versions } from '@spinkube/test-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagedExecutable, run } from './packaged-executable.ts';

const SUPERVISOR = join(
  dirname(createRequire(import.meta.url).resolve('@spinkube/test-cluster')),
  'node',
  'supervise.js',
);
/** A real executable to install as the shim: it can be run (as `sleep`) while it is replaced. */
const SHIM_V1 = readFileSync('/bin/sleep');
const SHIM_V2 = Buffer.concat([SHIM_V1, Buffer.from('\nshim v2\n')]);
const CONFIG = '/etc/containerd/config.toml';

let installer: string;
beforeAll(() => {
  installer = packagedExecutable('rcm-node-installer');
}, 300_000);

/** containerd's own config for a node whose every path is under `root`; CRI on, so it loads runtimes. */
function containerdConfig(root: string, version: 2 | 3): string {
  const cri =
    version === 3 ? "plugins.'io.containerd.cri.v1.runtime'" : 'plugins."io.containerd.grpc.v1.cri"';
  return [
    "# the node's own containerd config: these bytes must come back after uninstall",
    `version = ${String(version)}`,
    `root = "${root}/var/lib/containerd"`,
    `state = "${root}/run/containerd"`,
    '',
    '[grpc]',
    `  address = "${root}/run/containerd/containerd.sock"`,
    '',
    '[ttrpc]',
    `  address = "${root}/run/containerd/containerd.sock.ttrpc"`,
    '',
    `[${version === 3 ? "plugins.'io.containerd.internal.v1.opt'" : 'plugins."io.containerd.internal.v1.opt"'}]`,
    `  path = "${root}/opt/containerd"`,
    '',
    // Machine-wide by default: NRI's socket, and CNI's config directory, which CRI creates.
    `[${version === 3 ? "plugins.'io.containerd.nri.v1.nri'" : 'plugins."io.containerd.nri.v1.nri"'}]`,
    '  disable = true',
    '',
    // As `containerd config default` writes it: containerd 1.x replaces its default runtimes with the
    // file's as soon as the file names one, so a config that adds a runtime must name runc too.
    `[${cri}.containerd.runtimes.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    '',
    `[${cri}.cni]`,
    `  ${version === 3 ? 'bin_dirs' : 'bin_dir'} = ${version === 3 ? `["${root}/opt/cni/bin"]` : `"${root}/opt/cni/bin"`}`,
    `  conf_dir = "${root}/etc/cni/net.d"`,
    '',
  ].join('\n');
}

interface Node {
  readonly root: string;
  readonly configBytes: Buffer;
  readonly ctr: string;
  readonly socket: string;
  readonly pidFile: string;
  supervisor?: ChildProcess;
  log: string;
}

const lines = [
  { line: 'containerd 1.7 (config version 2)', version: Versions.containerd1, config: 2 as const },
  { line: 'containerd 2.2 (config version 3)', version: Versions.containerd2, config: 3 as const },
];

describe.each(lines)('rcm-node-installer, packaged, with $line', ({ version, config }) => {
  const work = mkdtempSync(join(tmpdir(), 'rcm-node-'));
  const running: ChildProcess[] = [];
  let node: Node;

  beforeAll(async () => {
    const tool = await ensureTool(containerdTool(version));
    const root = join(work, 'root');
    mkdirSync(join(root, 'etc/containerd'), { recursive: true });
    mkdirSync(join(root, 'run/containerd'), { recursive: true });
    const configBytes = Buffer.from(containerdConfig(root, config));
    writeFileSync(join(root, CONFIG), configBytes);
    node = {
      root,
      configBytes,
      ctr: binaryPath(tool, 'ctr'),
      socket: join(root, 'run/containerd/containerd.sock'),
      pidFile: join(work, 'containerd.pid'),
      log: '',
    };
    const supervisor = spawn(
      process.execPath,
      [
        SUPERVISOR,
        `--pid-file=${node.pidFile}`,
        '--',
        binaryPath(tool, 'containerd'),
        '--config',
        join(root, CONFIG),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    node.supervisor = supervisor;
    supervisor.stdout.on('data', (chunk: Buffer) => (node.log += chunk.toString()));
    supervisor.stderr.on('data', (chunk: Buffer) => (node.log += chunk.toString()));
    await eventually(`containerd ${version} answering on ${node.socket}`, answers, 30_000);
  }, 600_000);

  afterAll(async () => {
    for (const child of running)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    const supervisor = node.supervisor;
    if (supervisor?.pid !== undefined && supervisor.exitCode === null && supervisor.signalCode === null) {
      // The supervisor stops containerd (SIGTERM, then SIGKILL after 10 s) and then itself.
      process.kill(supervisor.pid, 'SIGTERM');
      await once(supervisor, 'exit');
    }
    rmSync(work, { recursive: true, force: true });
  }, 60_000);

  const containerdPid = () => Number(readFileSync(node.pidFile, 'utf8').trim());
  const assets = (bytes: Buffer) => {
    const dir = mkdtempSync(join(work, 'assets-'));
    writeFileSync(join(dir, 'containerd-shim-spin-v2'), bytes, { mode: 0o755 });
    return dir;
  };
  const terminationLog = () => {
    const file = join(mkdtempSync(join(work, 'pod-')), 'termination-log');
    writeFileSync(file, '');
    return file;
  };
  const install = (assetDir: string, env: Record<string, string> = {}) =>
    run(installer, ['install', '-H', node.root, '-r', 'spin-v2', '-c', CONFIG, '-a', assetDir], env);
  const answers = async () => (await run(node.ctr, ['--address', node.socket, 'version'])).status === 0;

  it('adds the runtime, and containerd restarts (a new PID from its supervisor) and loads it', async () => {
    const before = containerdPid();
    const logFrom = node.log.length;
    const result = await install(assets(SHIM_V1), { RUNTIME_OPTIONS: '{"SystemdCgroup":"false"}' });
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
    const after = containerdPid();
    expect(after).not.toBe(before);
    expect(result.stdout.split('\n')).toEqual([
      'preset: default',
      `config: ${CONFIG} (changed)`,
      'binary: /opt/rcm/bin/containerd-shim-spin-v2 (written)',
      'runtimes: spin-v2',
      `restart: containerd ${String(before)} stopped with SIGTERM; its supervisor started containerd ${String(after)}`,
      '',
    ]);
    expect(result.stderr).toContain('rcm-node-installer: systemd is not reachable');

    const text = readFileSync(join(node.root, CONFIG), 'utf8');
    expect(text.startsWith(node.configBytes.toString())).toBe(true);
    expect(text).toContain('runtime_type = "/opt/rcm/bin/containerd-shim-spin-v2"');
    expect(text).toContain('SystemdCgroup = false');
    expect(readFileSync(join(node.root, 'opt/rcm/bin/containerd-shim-spin-v2'))).toEqual(SHIM_V1);
    await eventually('the restarted containerd answering', answers, 30_000);
    // CRI logs its config when it starts: the new containerd has the runtime.
    const restartedLog = node.log.slice(logFrom);
    expect(restartedLog).not.toContain('failed to load plugin io.containerd.grpc.v1.cri');
    expect(restartedLog).toMatch(/spin-v2/);
    expect(restartedLog).toContain('/opt/rcm/bin/containerd-shim-spin-v2');
  });

  it('restarts nothing when the same shim is installed again', async () => {
    const before = containerdPid();
    const configBefore = readFileSync(join(node.root, CONFIG));
    const result = await install(assets(SHIM_V1), { RUNTIME_OPTIONS: '{"SystemdCgroup":"false"}' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`config: ${CONFIG} (unchanged)`);
    expect(result.stdout).toContain('binary: /opt/rcm/bin/containerd-shim-spin-v2 (unchanged)');
    expect(result.stdout).toContain('restart: not needed, nothing changed');
    expect(readFileSync(join(node.root, CONFIG))).toEqual(configBefore);
    expect(containerdPid()).toBe(before);
  });

  it('replaces the binary while a process executes it, without text file busy', async () => {
    const binary = join(node.root, 'opt/rcm/bin/containerd-shim-spin-v2');
    const executing = spawn(binary, ['600'], { stdio: 'ignore' });
    running.push(executing);
    await eventually('the shim binary executing', () =>
      Promise.resolve(readlinkSync(`/proc/${String(executing.pid)}/exe`) === binary),
    );
    const before = containerdPid();
    const result = await install(assets(SHIM_V2), { RUNTIME_OPTIONS: '{"SystemdCgroup":"false"}' });
    expect(result.stderr).not.toMatch(/text file busy|ETXTBSY/i);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('binary: /opt/rcm/bin/containerd-shim-spin-v2 (written)');
    expect(result.stdout).toContain(`config: ${CONFIG} (unchanged)`);
    expect(result.stdout).toMatch(/restart: containerd \d+ stopped with SIGTERM/);
    expect(containerdPid()).not.toBe(before);
    expect(readFileSync(binary)).toEqual(SHIM_V2);
    // The running process keeps the file it started from, now unlinked.
    expect(executing.exitCode).toBeNull();
    expect(readlinkSync(`/proc/${String(executing.pid)}/exe`)).toBe(`${binary} (deleted)`);
  });

  it('fails on bad input with the reason in the termination log, leaving the node as it was', async () => {
    const configBefore = readFileSync(join(node.root, CONFIG));
    const log = terminationLog();
    const bad = await install(assets(SHIM_V1), {
      RUNTIME_OPTIONS: '{"SystemdCgroup":true}',
      RCM_TERMINATION_LOG: log,
    });
    expect(bad.status).toBe(1);
    const message =
      'RUNTIME_OPTIONS: the value of "SystemdCgroup" must be a string, not a boolean (write "SystemdCgroup": "true")';
    expect(readFileSync(log, 'utf8')).toBe(message);
    expect(bad.stderr).toBe(`rcm-node-installer: ${message}\n`);
    expect(readFileSync(join(node.root, CONFIG))).toEqual(configBefore);

    const missing = await run(installer, ['uninstall', '-H', node.root, '-r', 'wasmtime-v1'], {
      RCM_TERMINATION_LOG: log,
    });
    // Not installed: nothing to do, and no failure (the manager's uninstall of a node whose install failed).
    expect(missing.status).toBe(0);
    expect(missing.stdout).toContain('runtimes: wasmtime-v1 (not installed; nothing to do)');
  });

  it('uninstalls: the config comes back byte for byte, the binary and lock file go, containerd restarts', async () => {
    const before = containerdPid();
    const result = await run(installer, ['uninstall', '-H', node.root, '-r', 'spin-v2'], {
      HOST_ROOT: '/ignored-when-H-is-given',
    });
    expect(result.status).toBe(0);
    const after = containerdPid();
    expect(result.stdout.split('\n')).toEqual([
      'preset: default',
      `config: ${CONFIG} (changed)`,
      'binary: /opt/rcm/bin/containerd-shim-spin-v2 (removed)',
      'runtimes: spin-v2 (removed)',
      `restart: containerd ${String(before)} stopped with SIGTERM; its supervisor started containerd ${String(after)}`,
      '',
    ]);
    expect(readFileSync(join(node.root, CONFIG))).toEqual(node.configBytes);
    expect(existsSync(join(node.root, 'opt/rcm'))).toBe(false);
    await eventually('the restarted containerd answering', answers, 30_000);
  });
});
