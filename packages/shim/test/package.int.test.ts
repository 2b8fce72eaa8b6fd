/**
 * The shim as one self-contained executable (scripts/package-sea.ts, `npx nx run shim:package`): built here
 * twice into a temporary directory, from the shim's entry and from the stand-in entry that serves a Spin
 * app directly, then run without Node on PATH, and by a private containerd (test/containerd) as its shim.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyCodec } from '../src/proto/google.js';
import { Messages } from '../src/proto/shim-messages.js';
import { startContainerd, type Containerd } from './containerd/containerd-process.ts';
import { createNetns } from './containerd/netns.ts';
import { listProcesses } from './containerd/process-table.ts';
import { exampleApp } from './images/example-apps.ts';
import { TINY_HELLO_BODY } from './images/node-baseline-rootfs.ts';
import { importSpinArtifact } from './images/spin-artifact-image.ts';
import { getWhenUp } from './support/http-probe.ts';
import { artifactRunArgs } from './support/spin-run.ts';
import { TaskEvents } from './support/task-events.ts';

const packageRoot = resolve(import.meta.dirname, '..');
const tinyHello = resolve(packageRoot, '../../examples/tiny-hello');
/** No Node anywhere: what a Kubernetes node offers containerd's shims. */
const BARE_PATH = '/usr/bin:/bin';

let work: string;
let shim: string;
let standIn: string;
const children: ChildProcess[] = [];

function packageSea(output: string, entry?: string): void {
  const result = spawnSync(
    process.execPath,
    ['scripts/package-sea.ts', '--output', output, ...(entry ? ['--entry', entry] : [])],
    { cwd: packageRoot, encoding: 'utf8', timeout: 600_000 },
  );
  if (result.status !== 0) {
    throw new Error(`package-sea.ts failed (${String(result.status ?? result.signal)}):\n${result.stderr}`);
  }
}

function runBare(
  executable: string,
  args: string[],
  env: Record<string, string>,
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(executable, args, {
    env: { PATH: BARE_PATH, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function freshDir(name: string): string {
  return mkdtempSync(join(work, `${name}-`));
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'shim-sea-'));
  shim = join(work, 'containerd-shim-spin-v2');
  standIn = join(work, 'stand-in', 'containerd-shim-spin-v2');
  packageSea(shim);
  packageSea(standIn, 'scripts/stand-in-main.ts');
}, 1_200_000);

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
  rmSync(work, { recursive: true, force: true });
});

describe('containerd-shim-spin-v2 as a single executable', () => {
  it('prints its version like containerd-shim-spin with only /usr/bin:/bin on PATH and no other env', () => {
    const dataDir = freshDir('data');
    const result = runBare(shim, ['-v'], { SPINKUBE_SHIM_DATA_DIR: dataDir });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^containerd-shim-spin-v2:\n {2}Runtime: spin\n {2}Version: \d+\.\d+\.\d+\n/,
    );
  });

  it('answers -info as containerd 2.x asks: the RuntimeInfo protobuf on stdout for the options on stdin', () => {
    const options = anyCodec.encode({ typeUrl: 'runtimeoptions.v1.Options', value: new Uint8Array() });
    const result = spawnSync(shim, ['-info'], {
      env: { PATH: BARE_PATH, SPINKUBE_SHIM_DATA_DIR: freshDir('data') },
      input: options,
      timeout: 60_000,
    });
    expect(result.stderr.toString()).toBe('');
    expect(result.status).toBe(0);
    const info = Messages.RuntimeInfo.decode(result.stdout);
    expect(info.name).toBe('io.containerd.spin.v2');
    expect(info.version?.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(info.options?.typeUrl).toBe('runtimeoptions.v1.Options');
  });

  it('needs no shared library beyond glibc, libstdc++ and libgcc_s', () => {
    const ldd = spawnSync('ldd', [shim], { encoding: 'utf8' });
    expect(ldd.status).toBe(0);
    const libraries = ldd.stdout
      .split('\n')
      .map((line) => /^\s*(\S+)/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined)
      .map((name) => name.replace(/^.*\//, ''));
    expect(ldd.stdout).not.toContain('not found');
    const glibcFamily =
      /^(linux-vdso\.so\.1|ld-linux-[\w-]+\.so\.\d|lib(c|m|dl|pthread|rt)\.so\.\d|libstdc\+\+\.so\.6|libgcc_s\.so\.1)$/;
    expect(libraries.filter((name) => !glibcFamily.test(name))).toEqual([]);
    expect(libraries).toContain('libc.so.6');
  });

  it('writes its modules once to a directory named after their hash, when many start at once too', async () => {
    const dataDir = freshDir('data');
    const starts = Array.from(
      { length: 4 },
      () =>
        new Promise<number | null>((resolvePromise) => {
          const child = spawn(shim, ['-v'], {
            env: { PATH: BARE_PATH, SPINKUBE_SHIM_DATA_DIR: dataDir },
            stdio: 'ignore',
          });
          children.push(child);
          child.on('exit', (code) => {
            resolvePromise(code);
          });
        }),
    );
    expect(await Promise.all(starts)).toEqual([0, 0, 0, 0]);
    const entries = readdirSync(dataDir);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatch(/^sea-[0-9a-f]{16}$/);
    const extracted = join(dataDir, entries[0] ?? '');
    const files = readdirSync(extracted);
    expect(files).toEqual(expect.arrayContaining(['main.js', 'instance-worker.js', 'package.json']));
    // jco-transpile's wasm is compiled from the executable's memory, never written out.
    expect(files.filter((file) => file.endsWith('.wasm'))).toEqual([]);

    // A damaged copy is replaced on the next start.
    unlinkSync(join(extracted, 'main.js'));
    expect(runBare(shim, ['-v'], { SPINKUBE_SHIM_DATA_DIR: dataDir }).status).toBe(0);
    expect(existsSync(join(extracted, 'main.js'))).toBe(true);
    expect(readdirSync(dataDir)).toEqual(entries);
  });

  it('serves tiny-hello from a cold cache: workers, jco transpile and the glue all load inside the executable', async () => {
    const dataDir = freshDir('data');
    const stateDir = freshDir('state');
    const child = spawn(standIn, ['serve', tinyHello, stateDir, '0'], {
      env: { PATH: BARE_PATH, SPINKUBE_SHIM_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const url = await new Promise<string>((resolvePromise, reject) => {
      const timer = setInterval(() => {
        const match = /Serving (\S+)/.exec(stdout);
        if (match?.[1]) {
          clearInterval(timer);
          resolvePromise(match[1]);
        } else if (child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`the stand-in exited with ${String(child.exitCode)}:\n${stderr}`));
        }
      }, 50);
    });

    const response = await fetch(`${url}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Hello from a tiny component');
    // Transpiled just now, into the state directory's cache.
    expect(readdirSync(join(stateDir, 'cache', 'transpiled', 'v2'))).toHaveLength(1);

    // Same PID after the MALLOC_ARENA_MAX re-exec (containerd tracks the shim by PID), with the V8 flags.
    const environ = readFileSync(`/proc/${String(child.pid)}/environ`, 'utf8').split('\0');
    expect(environ).toContain('MALLOC_ARENA_MAX=2');
    expect(stderr).toContain('node flags: --max-semi-space-size=1 --optimize-for-size');

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});

describe('containerd-shim-spin-v2 as a single executable under containerd', () => {
  const ARTIFACT = 'localhost:5000/spinkube/tiny-hello-sea:v1';
  let containerd: Containerd;
  let events: TaskEvents;

  beforeAll(async () => {
    // `work` holds the executable as `containerd-shim-spin-v2`: first on containerd's PATH.
    containerd = await startContainerd({
      shimDir: work,
      env: { SPINKUBE_SHIM_DATA_DIR: freshDir('ctrd-data'), SPINKUBE_SHIM_SOCKET_DIR: freshDir('ctrd-sock') },
    });
    events = await TaskEvents.record(containerd);
    await importSpinArtifact(containerd, exampleApp('tiny-hello'), ARTIFACT);
  }, 300_000);

  afterAll(async () => {
    events.stop();
    await containerd.stop();
  });

  it('runs a Spin artifact from the pod network namespace, its server with MALLOC_ARENA_MAX=2, and stops', async () => {
    const netns = await createNetns();
    try {
      await containerd.ctrOk(await artifactRunArgs(containerd, netns.path, 'sea', ARTIFACT, containerd.dir));
      expect(await getWhenUp(`http://${netns.address}/`)).toEqual({ status: 200, body: TINY_HELLO_BODY });

      const servers = () =>
        listProcesses().filter((p) => p.args[0] === shim && p.args.includes(containerd.address));
      const [server] = servers();
      expect(server).toBeDefined();
      const environ = readFileSync(`/proc/${String(server?.pid)}/environ`, 'utf8').split('\0');
      expect(environ).toContain('MALLOC_ARENA_MAX=2');

      await containerd.ctrOk(['task', 'kill', '--signal', 'SIGTERM', 'sea']);
      await events.waitFor('sea', '/tasks/exit');
      await containerd.ctrOk(['task', 'delete', 'sea']);
      await containerd.ctrOk(['container', 'rm', 'sea']);
      const deadline = Date.now() + 10_000;
      while (servers().length > 0 && Date.now() < deadline) {
        await new Promise((resolvePromise) => setTimeout(resolvePromise, 100));
      }
      expect(servers()).toEqual([]);
    } finally {
      await netns.remove();
    }
  });
});
