/**
 * containerd runs Spin apps through the shim: a containerd (Debian's 1.6 or a pinned 1.7 or 2.x build) with a
 * private config, `ctr run --runtime io.containerd.spin.v2`, apps in network namespaces the test created,
 * HTTP from the test process. One test file per containerd calls `describeShimUnderContainerd`.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  startContainerd,
  type Containerd,
  type ContainerdBinaries,
} from '../containerd/containerd-process.ts';
import { mountPointsUnder } from '../containerd/leftover-mounts.ts';
import { createNetns, type Netns } from '../containerd/netns.ts';
import { EXAMPLES_DIR, exampleApp } from '../images/example-apps.ts';
import { TINY_HELLO_BODY } from '../images/node-baseline-rootfs.ts';
import { importSpinArtifact } from '../images/spin-artifact-image.ts';
import { startRegistry } from '@spinkube/test-cluster';
import { pullSpinArtifactFromRegistry } from '../images/registry-spin-artifact.ts';
import { importSpinTomlImage } from '../images/spin-toml-image.ts';
import { getWhenUp } from './http-probe.ts';
import { shimDir, shimProcesses } from './shim-under-test.ts';
import { artifactRunArgs, spinRunArgs } from './spin-run.ts';
import { TaskEvents } from './task-events.ts';

export interface ContainerdFlavor {
  /** How the describe block names it: `Debian's containerd 1.6`, `containerd v2.2.10`. */
  readonly label: string;
  /** Its binaries; a pinned build is made (once, into the tool cache) when first asked for. */
  binaries(): Promise<ContainerdBinaries>;
}

/** Every test of the shim under `flavor`; registers its hooks at the top level of the calling file. */
export function describeShimUnderContainerd(flavor: ContainerdFlavor): void {
  const ARTIFACT = 'localhost:5000/spinkube/tiny-hello:v1';
  const TOML_IMAGE = 'localhost:5000/spinkube/tiny-hello-toml:v1';

  let containerd: Containerd;
  let events: TaskEvents;
  let socketDir: string;
  const namespaces: Netns[] = [];

  beforeAll(async () => {
    const dir = `/tmp/spinkube-shim-it-${String(process.pid)}`;
    socketDir = join(dir, 's');
    containerd = await startContainerd({
      binaries: await flavor.binaries(),
      shimDir: await shimDir(join(dir, 'bin')),
      env: { SPINKUBE_SHIM_DATA_DIR: join(dir, 'data'), SPINKUBE_SHIM_SOCKET_DIR: socketDir },
    });
    events = await TaskEvents.record(containerd);
    await importSpinArtifact(containerd, exampleApp('tiny-hello'), ARTIFACT);
    await importSpinTomlImage(containerd, exampleApp('tiny-hello'), TOML_IMAGE);
  }, 900_000);

  afterEach(async () => {
    // A test that failed half-way must not leave tasks behind for the next one (it checks the server exits).
    const left = (await containerd.ctrOk(['container', 'list', '--quiet']))
      .split('\n')
      .filter((id) => id !== '');
    for (const id of left) {
      await containerd.ctr(['task', 'delete', '--force', id]);
      await containerd.ctr(['container', 'rm', id]);
    }
    await Promise.all(namespaces.splice(0).map((netns) => netns.remove()));
  });

  afterAll(async () => {
    events.stop();
    await containerd.stop();
  });

  async function runArtifact(id: string, netns: Netns, image = ARTIFACT): Promise<void> {
    await containerd.ctrOk(await artifactRunArgs(containerd, netns.path, id, image, containerd.dir));
  }

  /** A root filesystem directory holding `/spin.toml`, for `ctr run --rootfs`. */
  async function rootfsWithManifest(id: string, manifest: string): Promise<string> {
    const rootfs = join(containerd.dir, 'rootfs', id);
    await mkdir(rootfs, { recursive: true });
    await writeFile(join(rootfs, 'spin.toml'), manifest);
    return rootfs;
  }

  async function netns(): Promise<Netns> {
    const created = await createNetns();
    namespaces.push(created);
    return created;
  }

  async function killAndDelete(id: string, signal = 'SIGTERM'): Promise<void> {
    await containerd.ctrOk(['task', 'kill', '--signal', signal, id]);
    await events.waitFor(id, '/tasks/exit');
    await containerd.ctrOk(['task', 'delete', id]);
    await containerd.ctrOk(['container', 'rm', id]);
  }

  /** Every shim process of this containerd (servers, and `start` or `delete` still running). */
  function shimServers(): number[] {
    return shimProcesses(containerd.address);
  }

  /** The one file called `name` somewhere under `dir` (ctr puts a task's FIFOs in a directory of its own). */
  function findFile(dir: string, name: string): string {
    const found = readdirSync(dir, { recursive: true, withFileTypes: true }).filter(
      (entry) => entry.name === name,
    );
    if (found.length !== 1)
      throw new Error(`expected one ${name} under ${dir}, found ${String(found.length)}`);
    const [entry] = found;
    return join(entry?.parentPath ?? dir, name);
  }

  /** What must be gone once every task is deleted: the shim server, its socket, any mount. */
  async function expectNothingLeft(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (shimServers().length > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(shimServers()).toEqual([]);
    expect(existsSync(socketDir) ? readdirSync(socketDir) : []).toEqual([]);
    expect(mountPointsUnder(containerd.dir)).toEqual([]);
  }

  describe(`containerd-shim-spin-v2 under ${flavor.label}`, () => {
    it('serves a Spin OCI artifact read from the content store, stops on SIGTERM with 0, and leaves nothing behind', async () => {
      const ns = await netns();
      await runArtifact('artifact', ns);
      const response = await getWhenUp(`http://${ns.address}/`);
      expect(response).toEqual({ status: 200, body: TINY_HELLO_BODY });
      expect(await containerd.ctrOk(['task', 'ls'])).toMatch(/artifact\s+\d+\s+RUNNING/);

      await killAndDelete('artifact');
      expect(events.topicsFor('artifact')).toEqual([
        '/tasks/create',
        '/tasks/start',
        '/tasks/exit',
        '/tasks/delete',
      ]);
      const exit = events.forContainer('artifact').find((event) => event.topic === '/tasks/exit');
      expect(exit?.event['exit_status'] ?? 0).toBe(0);
      expect(exit?.namespace).toBe(containerd.namespace);
      await expectNothingLeft();
    });

    it('serves a Spin artifact pushed to a local registry and fetched by containerd', async () => {
      const registry = await startRegistry({ dir: join(containerd.dir, 'registry') });
      try {
        const image = await pullSpinArtifactFromRegistry(
          containerd,
          registry,
          exampleApp('tiny-hello'),
          'spinkube/pulled',
          'v1',
        );
        const ns = await netns();
        await runArtifact('pulled', ns, image.name);
        expect(await getWhenUp(`http://${ns.address}/`)).toEqual({ status: 200, body: TINY_HELLO_BODY });
        await killAndDelete('pulled');
      } finally {
        await registry.stop();
      }
      await expectNothingLeft();
    });

    it('lets containerd clean up after the shim server is killed, and starts a new one for the next app', async () => {
      const ns = await netns();
      await runArtifact('orphan', ns);
      await getWhenUp(`http://${ns.address}/`);
      const [server] = shimServers();
      expect(server).toBeDefined();
      process.kill(server ?? 0, 'SIGKILL');
      // containerd sees the shim go, runs `delete` for the task and reports its exit (137, as upstream).
      expect((await events.waitFor('orphan', '/tasks/exit')).event['exit_status']).toBe(137);
      await containerd.ctr(['task', 'delete', 'orphan']);
      await containerd.ctrOk(['container', 'rm', 'orphan']);
      const next = await netns();
      await runArtifact('after-crash', next);
      expect(await getWhenUp(`http://${next.address}/`)).toEqual({ status: 200, body: TINY_HELLO_BODY });
      await killAndDelete('after-crash');
      await expectNothingLeft();
    });

    it('serves an image holding /spin.toml, mounting its snapshot as the root filesystem', async () => {
      const ns = await netns();
      await containerd.ctrOk(
        spinRunArgs(containerd, ns.path, [
          '--env',
          'SPIN_HTTP_LISTEN_ADDR=0.0.0.0:8080',
          TOML_IMAGE,
          'toml',
          '/',
        ]),
      );
      expect(await getWhenUp(`http://${ns.address}:8080/`)).toEqual({ status: 200, body: TINY_HELLO_BODY });
      const bundleRoot = join(
        containerd.state,
        'io.containerd.runtime.v2.task',
        containerd.namespace,
        'toml',
        'rootfs',
      );
      expect(mountPointsUnder(containerd.state)).toContain(bundleRoot);
      await killAndDelete('toml');
      await expectNothingLeft();
    });

    it('closes the task stdout and stderr FIFOs when the app exits, before any Delete, as CRI waits for their end', async () => {
      const ns = await netns();
      await runArtifact('fifo-end', ns);
      await getWhenUp(`http://${ns.address}/`);
      // ctr -d has gone; read the FIFOs it made as containerd's CRI would, until end of file.
      const ends = ['stdout', 'stderr'].map((stream) => {
        const reader = createReadStream(findFile(containerd.fifoDir, `fifo-end-${stream}`));
        reader.resume();
        return new Promise<string>((resolve) => {
          reader.once('end', () => {
            resolve(`${stream}: end of file`);
          });
        });
      });
      await containerd.ctrOk(['task', 'kill', 'fifo-end']);
      await events.waitFor('fifo-end', '/tasks/exit');
      const timeout = new Promise<string>((resolve) =>
        setTimeout(() => resolve('no end of file within 5 s'), 5_000),
      );
      expect(await Promise.all(ends.map((end) => Promise.race([end, timeout])))).toEqual([
        'stdout: end of file',
        'stderr: end of file',
      ]);
      await containerd.ctrOk(['task', 'delete', 'fifo-end']);
      await containerd.ctrOk(['container', 'rm', 'fifo-end']);
      await expectNothingLeft();
    });

    it('ends an app that cannot start with 137 and the reason in its stderr', async () => {
      const ns = await netns();
      const rootfs = await rootfsWithManifest(
        'broken',
        `spin_manifest_version = 2\n[application]\nname = "broken"\n[[trigger.http]]\nroute = "/..."\ncomponent = "broken"\n[component.broken]\nsource = "${join(EXAMPLES_DIR, 'dist', 'tiny-unsupported.wasm')}"\n`,
      );
      const log = join(containerd.dir, 'broken.log');
      await containerd.ctrOk(
        spinRunArgs(containerd, ns.path, ['--log-uri', `file://${log}`, '--rootfs', rootfs, 'broken', '/']),
      );
      const exit = await events.waitFor('broken', '/tasks/exit');
      expect(exit.event['exit_status']).toBe(137);
      expect(await readFile(log, 'utf8')).toMatch(
        /Error: .*does not provide every interface the app imports/,
      );
      await containerd.ctrOk(['task', 'delete', 'broken']).catch(() => undefined);
      await containerd.ctrOk(['container', 'rm', 'broken']);
      await expectNothingLeft();
    });

    it('resolves variables from the container env and reads /runtime-config.toml from its root', async () => {
      const rootfs = await rootfsWithManifest(
        'vars',
        `spin_manifest_version = 2\n[application]\nname = "vars"\n[variables]\ngreeting = { required = true }\n[[trigger.http]]\nroute = "/..."\ncomponent = "say"\n[component.say]\nsource = "${join(EXAMPLES_DIR, 'dist', 'tiny-variable.wasm')}"\n[component.say.variables]\nmessage = "{{ greeting }}"\n`,
      );
      const run = async (id: string) => {
        const ns = await netns();
        await containerd.ctrOk(
          spinRunArgs(containerd, ns.path, [
            '--env',
            'GREETING=hello from the pod env',
            '--log-uri',
            `file://${join(containerd.dir, `${id}.log`)}`,
            '--rootfs',
            rootfs,
            id,
            '/',
          ]),
        );
        return ns;
      };
      await writeFile(
        join(rootfs, 'runtime-config.toml'),
        '[key_value_store.default]\ntype = "spin"\npath = "kv.db"\n',
      );
      const ns = await run('vars');
      expect(await getWhenUp(`http://${ns.address}/`)).toEqual({
        status: 200,
        body: 'hello from the pod env',
      });
      await killAndDelete('vars');

      await writeFile(join(rootfs, 'runtime-config.toml'), '[key_value_store.default]\ntype = "nosuch"\n');
      await run('bad-config');
      expect((await events.waitFor('bad-config', '/tasks/exit')).event['exit_status']).toBe(137);
      expect(await readFile(join(containerd.dir, 'bad-config.log'), 'utf8')).toContain(
        join(rootfs, 'runtime-config.toml'),
      );
      await containerd.ctrOk(['task', 'delete', 'bad-config']).catch(() => undefined);
      await containerd.ctrOk(['container', 'rm', 'bad-config']);
      await expectNothingLeft();
    });

    it('writes what a JS SDK component prints to the task stdout FIFO that an attached ctr reads', async () => {
      const ns = await netns();
      const rootfs = await rootfsWithManifest(
        'printer',
        `spin_manifest_version = 2\n[application]\nname = "printer"\n[[trigger.http]]\nroute = "/..."\ncomponent = "js"\n[component.js]\nsource = "${join(EXAMPLES_DIR, 'dist', 'js-hello.wasm')}"\n`,
      );
      // Not detached: ctr creates the FIFOs, copies the task's stdout to its own and exits with its status.
      const attached = spawn(
        containerd.binaries.ctr,
        [
          '--address',
          containerd.address,
          '--namespace',
          containerd.namespace,
          ...spinRunArgs(containerd, ns.path, ['--rootfs', rootfs, 'printer', '/'], { detach: false }),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let printed = '';
      attached.stdout.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
      const exited = new Promise<number | null>((resolve) => attached.on('exit', resolve));
      try {
        const response = await getWhenUp(`http://${ns.address}/printed/path`, 120_000);
        expect(response.status).toBe(200);
        expect(response.body).toContain('path: /printed/path');
        const deadline = Date.now() + 10_000;
        while (!printed.includes('GET /printed/path') && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 50));
        expect(printed).toContain('GET /printed/path');
        // Before the app's own output, where and what it serves, as `spin up` and upstream's shim print it.
        expect(
          printed.indexOf(
            'Serving http://0.0.0.0:80\nAvailable Routes:\n  js: http://0.0.0.0:80 (wildcard)\n',
          ),
        ).toBe(0);
        await containerd.ctrOk(['task', 'kill', 'printer']);
        expect(await exited).toBe(0);
      } finally {
        attached.kill('SIGKILL');
      }
      await containerd.ctrOk(['task', 'delete', 'printer']).catch(() => undefined);
      await containerd.ctrOk(['container', 'rm', 'printer']);
      await expectNothingLeft();
    }, 240_000);

    it('runs 20 apps at once, each in its own network namespace', async () => {
      const ids = Array.from({ length: 20 }, (_, index) => `many-${String(index)}`);
      const nets = await Promise.all(ids.map(() => netns()));
      for (const [index, id] of ids.entries()) {
        const ns = nets[index];
        if (ns) await runArtifact(id, ns);
      }
      const answers = await Promise.all(nets.map((ns) => getWhenUp(`http://${ns.address}/`)));
      expect(answers.every((answer) => answer.status === 200 && answer.body === TINY_HELLO_BODY)).toBe(true);
      expect(shimServers()).toHaveLength(1);
      await Promise.all(ids.map((id) => killAndDelete(id)));
      for (const id of ids)
        expect(events.topicsFor(id)).toEqual([
          '/tasks/create',
          '/tasks/start',
          '/tasks/exit',
          '/tasks/delete',
        ]);
      await expectNothingLeft();
    });

    it('keeps apps serving while containerd restarts, and containerd reconnects to the shim', async () => {
      const [a, b] = [await netns(), await netns()];
      await runArtifact('survivor-a', a);
      await runArtifact('survivor-b', b);
      await getWhenUp(`http://${a.address}/`);
      await getWhenUp(`http://${b.address}/`);
      await containerd.restart();
      expect(await getWhenUp(`http://${a.address}/`)).toEqual({ status: 200, body: TINY_HELLO_BODY });
      expect(await containerd.ctrOk(['task', 'ls'])).toMatch(/survivor-a\s+\d+\s+RUNNING/);
      const after = await TaskEvents.record(containerd);
      try {
        await containerd.ctrOk(['task', 'kill', '--signal', 'SIGKILL', 'survivor-a']);
        const exit = await after.waitFor('survivor-a', '/tasks/exit');
        expect(exit.event['exit_status']).toBe(137);
        expect(await getWhenUp(`http://${b.address}/`)).toEqual({ status: 200, body: TINY_HELLO_BODY });
        await containerd.ctrOk(['task', 'delete', 'survivor-a']).catch(() => undefined);
        await containerd.ctrOk(['container', 'rm', 'survivor-a']);
        await containerd.ctrOk(['task', 'kill', 'survivor-b']);
        await after.waitFor('survivor-b', '/tasks/exit');
        await containerd.ctrOk(['task', 'delete', 'survivor-b']);
        await containerd.ctrOk(['container', 'rm', 'survivor-b']);
      } finally {
        after.stop();
      }
      await expectNothingLeft();
    });

    it('runs a pod sandbox as a process in the pod network namespace, whose namespaces an app joins by its PID', async () => {
      const ns = await netns();
      const rootfs = join(containerd.dir, 'rootfs', 'sandbox');
      await mkdir(rootfs, { recursive: true });
      await containerd.ctrOk(
        spinRunArgs(containerd, ns.path, [
          '--annotation',
          'io.kubernetes.cri.container-type=sandbox',
          '--rootfs',
          rootfs,
          'sandbox',
          '/pause',
        ]),
      );
      await events.waitFor('sandbox', '/tasks/start');
      const listed = /sandbox\s+(\d+)\s+RUNNING/.exec(await containerd.ctrOk(['task', 'ls']));
      const pid = Number(listed?.[1]);
      expect(shimServers()).not.toContain(pid);
      // The PID is in the pod's network namespace and in IPC and UTS namespaces of its own, as a pause
      // container is, so CRI's /proc/<pid>/ns/… paths put the pod's containers in the pod.
      expect(statSync(`/proc/${String(pid)}/ns/net`).ino).toBe(statSync(ns.path).ino);
      for (const type of ['ipc', 'uts'])
        expect(statSync(`/proc/${String(pid)}/ns/${type}`).ino).not.toBe(
          statSync(`/proc/self/ns/${type}`).ino,
        );

      await containerd.ctrOk(
        await artifactRunArgs(containerd, `/proc/${String(pid)}/ns/net`, 'in-pod', ARTIFACT, containerd.dir),
      );
      expect(await getWhenUp(`http://${ns.address}/`)).toEqual({ status: 200, body: TINY_HELLO_BODY });
      await killAndDelete('in-pod');
      await killAndDelete('sandbox');
      expect(existsSync(`/proc/${String(pid)}`)).toBe(false);
      await expectNothingLeft();
    });
  });
}
