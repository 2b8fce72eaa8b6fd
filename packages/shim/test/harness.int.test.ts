/**
 * The containerd test harness, proven with runc before the shim exists: a private containerd that
 * restarts under running containers, a network namespace reachable through its veth, images the shim
 * will read (a Spin artifact, a /spin.toml image), and a stop that leaves nothing behind.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  OCI_IMAGE_MANIFEST,
  OCI_LAYER_TAR,
  SPIN_LOCKED_APP,
  SPIN_WASM_LAYER,
  type OciImageManifest,
} from '@spinkube/oci';
import { loadManifest, resolveComponentFiles } from '@spinkube/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CTR_BINARY, startContainerd, type Containerd } from './containerd/containerd-process.ts';
import { harnessLayout } from './containerd/harness-layout.ts';
import { mountPointsUnder } from './containerd/leftover-mounts.ts';
import { createNetns, type Netns } from './containerd/netns.ts';
import { isAlive } from './containerd/process-lifecycle.ts';
import { listProcesses } from './containerd/process-table.ts';
import { exampleApp } from './images/example-apps.ts';
import { startRegistry } from '@spinkube/test-cluster';
import {
  nodeBaselineRootfs,
  TINY_HELLO_BODY,
  type NodeBaselineRootfs,
} from './images/node-baseline-rootfs.ts';
import { pullSpinArtifactFromRegistry } from './images/registry-spin-artifact.ts';
import { importSpinArtifact } from './images/spin-artifact-image.ts';
import { importSpinTomlImage } from './images/spin-toml-image.ts';

const PORT = 8080;

let containerd: Containerd;
let netns: Netns;
let baseline: NodeBaselineRootfs;

beforeAll(async () => {
  containerd = await startContainerd();
  netns = await createNetns();
  baseline = await nodeBaselineRootfs(join(containerd.dir, 'node-baseline'));
});

afterAll(async () => {
  await netns.remove();
  await containerd.stop();
});

describe('containerd', () => {
  it('answers on its private socket, with root, state and FIFOs in its own temp dir', async () => {
    const version = await containerd.ctrOk(['version']);
    expect(version).toMatch(/Server:\s+Version:\s+1\.6\./);
    for (const path of [containerd.address, containerd.root, containerd.state, containerd.fifoDir])
      expect(path.startsWith(`${containerd.dir}/`), path).toBe(true);
    expect(existsSync(containerd.address)).toBe(true);
    expect(containerd.logs()).toContain('containerd successfully booted');
  });
});

describe('a runc container from the Node baseline rootfs', () => {
  const id = 'baseline';

  it('answers HTTP from inside its network namespace, through the veth', async () => {
    await containerd.ctrOk([
      'run',
      '--detach',
      '--rootfs',
      '--with-ns',
      `network:${netns.path}`,
      '--fifo-dir',
      containerd.fifoDir,
      '--runc-root',
      containerd.runcRoot,
      '--env',
      `PORT=${String(PORT)}`,
      baseline.rootfs,
      id,
      ...baseline.args,
    ]);
    const response = await waitForHttp(`http://${netns.address}:${String(PORT)}/any/path`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(TINY_HELLO_BODY);
  });

  it.each(['SIGTERM', 'SIGKILL'] as const)(
    'keeps running while containerd restarts (%s), and containerd finds it again',
    async (signal) => {
      const before = containerd.pid;
      const taskPid = await runningTaskPid(id);
      await containerd.restart({ signal });
      expect(containerd.pid).not.toBe(before);
      expect(isAlive(before)).toBe(false);
      expect(await runningTaskPid(id)).toBe(taskPid);
      const response = await fetch(`http://${netns.address}:${String(PORT)}/`);
      expect(await response.text()).toBe(TINY_HELLO_BODY);
    },
  );

  it('leaves no process after task kill, task delete and container rm', async () => {
    const taskPid = await runningTaskPid(id);
    // Shims are given containerd's socket (`-address`); containerd itself only its config.
    const shims = processesNaming(containerd.address);
    expect(shims.length).toBeGreaterThan(0);

    await containerd.ctrOk(['task', 'kill', id]);
    await waitUntil(`task ${id} stopped`, async () => (await taskStatus(id)) === 'STOPPED');
    await containerd.ctrOk(['task', 'delete', id]);
    await containerd.ctrOk(['container', 'rm', id]);

    await waitUntil('the shim to exit', () => Promise.resolve(![taskPid, ...shims].some(isAlive)));
    expect(processesNaming(containerd.address)).toEqual([]);
    expect(await containerd.ctrOk(['container', 'list', '--quiet'])).toBe('');
    expect(mountPointsUnder(containerd.state)).toEqual([]);
  });
});

describe('images', () => {
  it('imports a Spin artifact as content only, with the Spin media types and a wasm config', async () => {
    const image = await importSpinArtifact(
      containerd,
      exampleApp('tiny-hello'),
      'spinkube.test/tiny-hello:v1',
    );

    const images = await containerd.ctrOk(['images', 'list']);
    const line = images.split('\n').find((row) => row.startsWith(`${image.name} `));
    expect(line).toBeDefined();
    expect(line).toContain(OCI_IMAGE_MANIFEST);
    expect(line).toContain(image.digest);

    const manifest = JSON.parse(await containerd.ctrOk(['content', 'get', image.digest])) as OciImageManifest;
    expect(manifest.layers.map((layer) => layer.mediaType)).toEqual([SPIN_WASM_LAYER, SPIN_LOCKED_APP]);
    const config = JSON.parse(await containerd.ctrOk(['content', 'get', manifest.config.digest])) as {
      architecture: string;
      os: string;
    };
    expect(config).toMatchObject({ architecture: 'wasm', os: 'wasip1' });

    const content = await containerd.ctrOk(['content', 'list', '--quiet']);
    for (const descriptor of [manifest.config, ...manifest.layers])
      expect(content.split('\n')).toContain(descriptor.digest);
    const wasm = ctrBytes(['content', 'get', manifest.layers[0]!.digest]);
    expect(wasm.equals(readFileSync(join(exampleApp('tiny-hello'), '..', 'dist', 'tiny-hello.wasm')))).toBe(
      true,
    );
  });

  it('imports a /spin.toml image and unpacks it into overlayfs, with sources that resolve inside it', async () => {
    const image = await importSpinTomlImage(
      containerd,
      exampleApp('tiny-files'),
      'spinkube.test/tiny-files:toml',
    );
    const manifest = JSON.parse(await containerd.ctrOk(['content', 'get', image.digest])) as OciImageManifest;
    expect(manifest.layers.map((layer) => layer.mediaType)).toEqual([OCI_LAYER_TAR]);

    const target = join(containerd.dir, 'mnt-tiny-files');
    await mkdir(target);
    await containerd.ctrOk(['images', 'mount', image.name, target]);
    try {
      const app = await loadManifest(join(target, 'spin.toml'));
      const component = app.components.get('tiny-files')!;
      expect(component.source).toEqual({ kind: 'file', path: 'tiny-files.wasm' });
      expect(existsSync(join(target, 'tiny-files.wasm'))).toBe(true);
      const files = await resolveComponentFiles(app, component);
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) expect(file.hostPath.startsWith(`${target}/`)).toBe(true);
    } finally {
      await containerd.ctrOk(['images', 'unmount', target]);
    }
    const snapshots = await containerd.ctrOk(['snapshots', '--snapshotter', 'overlayfs', 'list']);
    expect(snapshots).toContain('Committed');
  });

  it('pulls a Spin artifact pushed to a local registry, over plain http, without unpacking', async () => {
    const registry = await startRegistry({ dir: join(containerd.dir, 'registry') });
    try {
      const image = await pullSpinArtifactFromRegistry(
        containerd,
        registry,
        exampleApp('tiny-hello'),
        'tiny-hello',
      );
      const images = await containerd.ctrOk(['images', 'list', '--quiet']);
      expect(images.split('\n')).toContain(image.name);
      const manifest = JSON.parse(
        await containerd.ctrOk(['content', 'get', image.digest]),
      ) as OciImageManifest;
      expect(manifest.layers[0]?.mediaType).toBe(SPIN_WASM_LAYER);
    } finally {
      await registry.stop();
    }
  });
});

describe('stop', () => {
  it('cleans up after a crashed containerd: shims, containers, mounts, cgroups and the dir', async () => {
    const crashed = await startContainerd();
    const id = 'orphan';
    await crashed.ctrOk([
      'run',
      '--detach',
      '--rootfs',
      '--fifo-dir',
      crashed.fifoDir,
      '--runc-root',
      crashed.runcRoot,
      '--env',
      'PORT=8081',
      baseline.rootfs,
      id,
      ...baseline.args,
    ]);
    const taskPid = await runningTaskPid(id, crashed);
    process.kill(crashed.pid, 'SIGKILL');
    await waitUntil('containerd to die', () => Promise.resolve(!isAlive(crashed.pid)));
    expect(isAlive(taskPid)).toBe(true);

    await crashed.stop();

    expect(isAlive(taskPid)).toBe(false);
    expect(processesNaming(crashed.dir)).toEqual([]);
    expect(existsSync(crashed.dir)).toBe(false);
    expect(cgroupsNamed(crashed.namespace)).toEqual([]);
  });

  it('sweeps the dir of a test process that died, before the next containerd starts', async () => {
    const abandoned = await startContainerd();
    const id = 'abandoned';
    await abandoned.ctrOk([
      'run',
      '--detach',
      '--rootfs',
      '--fifo-dir',
      abandoned.fifoDir,
      '--runc-root',
      abandoned.runcRoot,
      baseline.rootfs,
      id,
      ...baseline.args,
    ]);
    const taskPid = await runningTaskPid(id, abandoned);
    // Pretend its owner died: a PID that no longer exists.
    const owner = harnessLayout(abandoned.dir).owner;
    const record = JSON.parse(readFileSync(owner, 'utf8')) as Record<string, unknown>;
    await writeFile(owner, JSON.stringify({ ...record, ownerPid: spawnSync('/bin/true').pid }));

    const next = await startContainerd();
    try {
      expect(existsSync(abandoned.dir)).toBe(false);
      expect(isAlive(abandoned.pid)).toBe(false);
      expect(isAlive(taskPid)).toBe(false);
    } finally {
      await next.stop();
      await abandoned.stop();
    }
  });
});

async function waitForHttp(url: string): Promise<Response> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      return await fetch(url, { signal: AbortSignal.timeout(2_000) });
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`${url} did not answer\n${containerd.logs()}`, { cause: error });
      await sleep(100);
    }
  }
}

async function taskStatus(id: string, instance = containerd): Promise<string | undefined> {
  const tasks = await instance.ctrOk(['task', 'list']);
  const row = tasks.split('\n').find((line) => line.split(/\s+/)[0] === id);
  return row?.split(/\s+/)[2];
}

async function runningTaskPid(id: string, instance = containerd): Promise<number> {
  const tasks = await instance.ctrOk(['task', 'list']);
  const row = tasks
    .split('\n')
    .find((line) => line.split(/\s+/)[0] === id)
    ?.split(/\s+/);
  expect(row?.[2]).toBe('RUNNING');
  return Number(row?.[1]);
}

/** Live processes whose arguments mention `text` (a socket path, a dir). */
function processesNaming(text: string): number[] {
  return listProcesses()
    .filter((entry) => !entry.zombie && entry.args.some((arg) => arg.includes(text)))
    .map((entry) => entry.pid);
}

function ctrBytes(args: readonly string[]): Buffer {
  const result = spawnSync(CTR_BINARY, [
    '--address',
    containerd.address,
    '--namespace',
    containerd.namespace,
    ...args,
  ]);
  expect(result.status, result.stderr.toString()).toBe(0);
  return result.stdout;
}

/** cgroups named after a namespace, in any hierarchy (cgroup v1) or at the root (v2). */
function cgroupsNamed(namespace: string): string[] {
  const root = '/sys/fs/cgroup';
  return [
    join(root, namespace),
    ...readdirSync(root).map((hierarchy) => join(root, hierarchy, namespace)),
  ].filter((path) => existsSync(path));
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${containerd.logs()}`);
    await sleep(50);
  }
}
