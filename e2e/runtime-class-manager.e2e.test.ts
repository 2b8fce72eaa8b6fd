/**
 * The runtime-class-manager in-cluster on a real node that has no Spin shim yet (containerd 2.2, the node's
 * own /etc/containerd and /opt/rcm): its Job runs the downloader and the installer in a privileged pod, the
 * packaged shim lands on the node, containerd's config gains the runtime, containerd restarts, the node is
 * labelled `spin-v2=provisioned` and a pod with RuntimeClass `wasmtime-spin-v2` serves HTTP. A bad download
 * ends as a condition naming the node and why, touching nothing; a second install (from an OCI artifact)
 * replaces the binary while a Spin pod runs from it; deleting the Shim leaves the node's files as they were.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { V1Pod } from '@kubernetes/client-node';
import { PlatformNames, ResourceClient, ShimResource, type Shim } from '@spinkube/api';
import { eventually } from '@spinkube/test-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultShim, pushShimArtifact, shimArchive, unameArch } from '@spinkube/runtime-class-manager';
import { startFileServer, type FileServer } from './support/file-server.ts';
import { installRuntimeClassManager, RCM_NAMESPACE } from './support/rcm-install.ts';
import {
  get,
  PACKAGED_SHIM,
  startRealNodeCluster,
  type RealNodeCluster,
} from './support/real-node-cluster.ts';
import { helloApp, pushSpinApp } from './support/spin-apps.ts';

const SHIM = PlatformNames.shim;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('runtime-class-manager on a real node', () => {
  let e2e: RealNodeCluster;
  let files: FileServer;
  let shims: ResourceClient<Shim>;
  let helloImage: string;
  let originalConfig: Buffer;
  const shimBinary = readFileSync(PACKAGED_SHIM);
  // A second build of the shim: the same program with bytes after its end, so its sha256 differs.
  const secondBinary = Buffer.concat([shimBinary, Buffer.from('\nsecond build\n')]);

  beforeAll(async () => {
    e2e = await startRealNodeCluster('e2e-rcm', 'v2', { shim: false });
    shims = new ResourceClient<Shim>(e2e.kubeConfig, ShimResource);
    files = await startFileServer(e2e.node.hostAddress);
    helloImage = `${e2e.node.registry}/e2e/hello:v1`;
    await pushSpinApp(helloApp('hello', 'tiny-hello'), helloImage);
    originalConfig = readFileSync(e2e.node.hostPathOf(e2e.node.containerd.config));
    await installRuntimeClassManager(e2e);
  });
  afterAll(async () => {
    await (files as FileServer | undefined)?.stop();
    await (e2e as RealNodeCluster | undefined)?.cluster.stop();
  });

  const nodeLabel = async () => (await e2e.core.readNode({ name: e2e.node.name })).metadata?.labels?.[SHIM];
  const condition = async (type: string) =>
    (await shims.get(SHIM))?.status?.conditions?.find((c) => c.type === type);
  const optRcm = () => readdirSync(e2e.node.nodeRoot.optRcm, { recursive: true }).map(String).sort();

  async function archiveAt(path: string, binary: Buffer): Promise<{ location: string; sha256: string }> {
    const archive = await shimArchive(binary, SHIM, unameArch());
    files.serve(path, archive.bytes);
    return { location: `${files.url}${path}`, sha256: sha256(archive.bytes) };
  }

  const spinPod = (name: string): V1Pod => ({
    metadata: { name },
    spec: {
      runtimeClassName: PlatformNames.runtimeClass,
      terminationGracePeriodSeconds: 5,
      containers: [{ name: 'hello', image: helloImage, command: ['/'] }],
    },
  });

  async function servingPod(name: string): Promise<string> {
    await e2e.core.createNamespacedPod({ namespace: 'default', body: spinPod(name) });
    const ip = await eventually(`pod ${name} Running`, async () => {
      const pod = await e2e.core.readNamespacedPod({ name, namespace: 'default' });
      return pod.status?.phase === 'Running' && pod.status.podIP ? pod.status.podIP : undefined;
    });
    await eventually(`200 from ${name}`, async () => (await get(`http://${ip}/`))?.status === 200);
    return ip;
  }

  it('reports a download that fails as a condition and an Event naming the node and why, leaving the node untouched', async () => {
    const missing = `${files.url}/missing/containerd-shim-spin-v2-linux-x86_64.tar.gz`;
    await shims.create(defaultShim([{ arch: unameArch(), location: missing, sha256: 'a'.repeat(64) }]));
    const degraded = await eventually(
      'Degraded',
      async () => {
        const found = await condition('Degraded');
        return found?.status === 'True' ? found : undefined;
      },
      120_000,
    );
    expect(degraded.reason).toBe('NodesFailed');
    expect(degraded.message).toContain(`node ${e2e.node.name}: downloader:`);
    expect(degraded.message).toContain('404');
    expect(await nodeLabel()).toBe('failed');
    const events = await e2e.kubectl([
      'get',
      'events',
      '-n',
      'default',
      '--field-selector',
      `involvedObject.name=${SHIM}`,
    ]);
    expect(events).toContain('InstallFailed');
    expect(readFileSync(e2e.node.hostPathOf(e2e.node.containerd.config))).toEqual(originalConfig);
    expect(optRcm()).toEqual([]);
  });

  it('reports a sha256 mismatch, an archive without the shim and an unparsable containerd config the same way, leaving the node untouched', async () => {
    const degradedSaying = async (text: string) => {
      let last = '';
      try {
        return await eventually(
          `Degraded saying "${text}"`,
          async () => {
            const found = await condition('Degraded');
            last = `${found?.status ?? '?'} ${found?.message ?? ''}`;
            return found?.status === 'True' && found.message.includes(text) ? found.message : undefined;
          },
          120_000,
        );
      } catch (error) {
        const jobs = await e2e.kubectl(['-n', RCM_NAMESPACE, 'get', 'jobs,pods', '-o', 'wide']);
        throw new Error(`${(error as Error).message}; Degraded was: ${last}\n${jobs}`, { cause: error });
      }
    };
    const setDownload = async (download: { location: string; sha256: string }) => {
      // Retried: the manager's own writes (finalizer, status) move the resourceVersion.
      await eventually('the Shim updated', async () => {
        const shim = await shims.get(SHIM);
        if (!shim?.spec) throw new Error('the Shim is gone');
        await shims.replace({
          ...shim,
          spec: {
            ...shim.spec,
            fetchStrategy: { platforms: [{ os: 'linux', arch: 'x86_64', ...download }] },
          },
        });
        return true;
      });
    };

    const good = await archiveAt('/v0/containerd-shim-spin-v2-linux-x86_64.tar.gz', shimBinary);
    await setDownload({ location: good.location, sha256: 'b'.repeat(64) });
    expect(await degradedSaying('does not match SHIM_SHA256')).toContain(
      `node ${e2e.node.name}: downloader:`,
    );

    const other = await shimArchive(shimBinary, 'other', unameArch());
    files.serve('/other/containerd-shim-spin-v2-linux-x86_64.tar.gz', other.bytes);
    await setDownload({
      location: `${files.url}/other/containerd-shim-spin-v2-linux-x86_64.tar.gz`,
      sha256: sha256(other.bytes),
    });
    expect(await degradedSaying('containerd-shim-other')).toContain('containerd-shim-spin-v2');

    // The node's config broken by hand: the installer refuses before it writes anything.
    const config = e2e.node.hostPathOf(e2e.node.containerd.config);
    writeFileSync(config, `${originalConfig.toString()}\n[plugins\nbroken = \n`);
    try {
      await setDownload(good);
      expect(await degradedSaying('provisioner:')).toContain('/etc/containerd/config.toml');
      expect(optRcm()).toEqual([]);
    } finally {
      writeFileSync(config, originalConfig);
    }
    expect(await nodeLabel()).toBe('failed');
  });

  it('installs the packaged shim through a privileged Job: binary, config, containerd restart, label, RuntimeClass, and a Spin pod serves', async () => {
    const containerdBefore = e2e.node.containerdPid();
    const release = await archiveAt('/v1/containerd-shim-spin-v2-linux-x86_64.tar.gz', shimBinary);
    // Retried: the manager's own writes (finalizer, status) move the resourceVersion.
    await eventually('the Shim updated', async () => {
      const shim = await shims.get(SHIM);
      if (!shim?.spec) throw new Error('the Shim is gone');
      await shims.replace({
        ...shim,
        spec: { ...shim.spec, fetchStrategy: { platforms: [{ os: 'linux', arch: 'x86_64', ...release }] } },
      });
      return true;
    });

    await eventually('spin-v2=provisioned', async () => (await nodeLabel()) === 'provisioned', 180_000);
    expect(files.requests).toContain('/v1/containerd-shim-spin-v2-linux-x86_64.tar.gz');
    const installed = readFileSync(e2e.node.hostPathOf(`/opt/rcm/bin/containerd-shim-${SHIM}`));
    expect(sha256(installed)).toBe(sha256(shimBinary));
    const config = readFileSync(e2e.node.hostPathOf(e2e.node.containerd.config), 'utf8');
    expect(config).toContain(`# BEGIN runtime-class-manager ${SHIM}`);
    expect(config).toContain(`runtime_type = "/opt/rcm/bin/containerd-shim-${SHIM}"`);
    expect(JSON.parse(readFileSync(e2e.node.hostPathOf('/opt/rcm/rcm-lock.json'), 'utf8'))).toMatchObject({
      shims: { [SHIM]: { sha256: sha256(shimBinary), path: `/opt/rcm/bin/containerd-shim-${SHIM}` } },
    });
    // The installer restarted it: its supervisor started a new one, which now runs the shim.
    expect(e2e.node.containerdPid()).not.toBe(containerdBefore);

    const runtimeClass = JSON.parse(
      await e2e.kubectl(['get', 'runtimeclass', PlatformNames.runtimeClass, '-o', 'json']),
    ) as {
      handler: string;
      scheduling: { nodeSelector: Record<string, string> };
    };
    expect(runtimeClass.handler).toBe(SHIM);
    expect(runtimeClass.scheduling.nodeSelector).toEqual({
      'kubernetes.io/os': 'linux',
      [SHIM]: 'provisioned',
    });
    await eventually('Ready', async () => (await condition('Ready'))?.status === 'True');
    expect(await condition('Degraded')).toMatchObject({ status: 'False' });

    await servingPod('spin-first');
  });

  it('installs a new build from an OCI artifact while a Spin pod runs from the old one: the binary is replaced, no text file busy', async () => {
    const before = e2e.node.containerdPid();
    const archive = await shimArchive(secondBinary, SHIM, unameArch());
    const pushed = await pushShimArtifact(
      archive,
      `${e2e.node.registry}/spinkube/containerd-shim-spin-v2:second`,
      {
        insecure: true,
      },
    );
    // Retried: the manager's own writes (finalizer, status) move the resourceVersion.
    await eventually('the Shim updated', async () => {
      const shim = await shims.get(SHIM);
      if (!shim?.spec) throw new Error('the Shim is gone');
      await shims.replace({
        ...shim,
        spec: {
          ...shim.spec,
          fetchStrategy: {
            platforms: [{ os: 'linux', arch: 'x86_64', location: pushed.reference, sha256: pushed.sha256 }],
          },
        },
      });
      return true;
    });
    await eventually(
      'the second build installed',
      async () =>
        (await nodeLabel()) === 'provisioned' &&
        sha256(readFileSync(e2e.node.hostPathOf(`/opt/rcm/bin/containerd-shim-${SHIM}`))) ===
          sha256(secondBinary),
      180_000,
    );
    expect(e2e.node.containerdPid()).not.toBe(before);
    const logs = await e2e.kubectl([
      '-n',
      RCM_NAMESPACE,
      'logs',
      `job/${e2e.node.name}-${SHIM}-install`,
      '-c',
      'provisioner',
    ]);
    expect(logs).not.toMatch(/text file busy|ETXTBSY/i);
    // The pod started from the first build still answers, and a new pod starts.
    const first = await e2e.core.readNamespacedPod({ name: 'spin-first', namespace: 'default' });
    expect((await get(`http://${first.status?.podIP ?? ''}/`))?.status).toBe(200);
    await servingPod('spin-second');
  });

  it('deleting the Shim uninstalls it: the node gets its files back byte for byte, and label, RuntimeClass and Jobs go', async () => {
    for (const name of ['spin-first', 'spin-second'])
      await e2e.core.deleteNamespacedPod({ name, namespace: 'default' });
    await e2e.kubectl(['wait', '--for=delete', 'pod/spin-first', 'pod/spin-second', '--timeout=60s']);
    await shims.delete(SHIM);
    await eventually('the Shim gone', async () => (await shims.get(SHIM)) === undefined, 180_000);
    expect(readFileSync(e2e.node.hostPathOf(e2e.node.containerd.config))).toEqual(originalConfig);
    expect(optRcm()).toEqual([]);
    expect(await nodeLabel()).toBeUndefined();
    await eventually('the RuntimeClass gone', async () =>
      e2e.kubectl(['get', 'runtimeclass', PlatformNames.runtimeClass]).then(
        () => false,
        () => true,
      ),
    );
    await eventually(
      'no node Job pod left',
      async () =>
        (
          await e2e.kubectl([
            '-n',
            RCM_NAMESPACE,
            'get',
            'pods',
            '-l',
            'batch.kubernetes.io/job-name',
            '-o',
            'name',
          ])
        ).trim() === '',
    );
    await eventually(
      'no node Job left',
      async () => (await e2e.kubectl(['-n', RCM_NAMESPACE, 'get', 'jobs', '-o', 'name'])).trim() === '',
    );
  });
});
