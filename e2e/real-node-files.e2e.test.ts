/**
 * The real node's own files, as the runtime-class-manager's node installer meets them: a node without the
 * Spin shim (runc only, no RuntimeClass), a privileged hostPID pod with hostPath `/` that reads and edits
 * the node's /etc/containerd/config.toml and writes /opt/rcm (the cluster's files, never the host's),
 * then restarts containerd with SIGTERM for its supervisor to start again on the edited config; the node's
 * mounts stay out of the host's mount table, and stop() leaves no mount, namespace or mount point.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NodeV1Api } from '@kubernetes/client-node';
import { PlatformNames } from '@spinkube/api';
import { eventually, inNode, NSENTER, runChecked } from '@spinkube/test-cluster';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountNamespacePinned, mountPoints, processesInMountNamespace } from './support/host-mounts.ts';
import { startRealNodeCluster, type RealNodeCluster } from './support/real-node-cluster.ts';

const NAMESPACE = 'default';
const POD = 'installer';
const ROOT = '/mnt/node-root';
const ADDED_HANDLER = 'e2e-added';

describe('a real node without the Spin shim, whose files are its own', () => {
  let e2e: RealNodeCluster | undefined;
  let stopped = false;
  const hostBefore = {
    etcContainerd: snapshot('/etc/containerd'),
    optRcm: snapshot('/opt/rcm'),
    optRcmExists: existsSync('/opt/rcm'),
  };
  const node = () => {
    if (!e2e) throw new Error('the cluster did not come up');
    return e2e;
  };
  const inPod = (script: string) => node().kubectl(['exec', POD, '--', 'sh', '-c', script]);

  beforeAll(async () => {
    e2e = await startRealNodeCluster('e2e-node-files', 'v2', { shim: false });
  });
  afterAll(async () => {
    if (!stopped) await e2e?.cluster.stop();
  });

  it('comes up with runc only: no Spin handler in containerd, no RuntimeClass', async () => {
    const { node: clusterNode, kubeConfig, core } = node();
    expect(clusterNode.handlers).toEqual([]);
    expect(readFileSync(clusterNode.hostPathOf(clusterNode.containerd.config), 'utf8')).not.toContain(
      PlatformNames.runtimeType,
    );
    expect((await kubeConfig.makeApiClient(NodeV1Api).listRuntimeClass()).items).toEqual([]);
    const handlers = await eventually('the node reporting its runtime handlers', async () => {
      const found = await core.readNode({ name: clusterNode.name });
      return found.status?.runtimeHandlers?.map((handler) => handler.name);
    });
    expect(handlers).toContain('runc');
    expect(handlers).not.toContain(PlatformNames.runtimeHandler);
  });

  it("shows a hostPath / pod the node's /etc/containerd/config.toml, not the host's", async () => {
    const e = node();
    await e.core.createNamespacedPod({
      namespace: NAMESPACE,
      body: {
        metadata: { name: POD },
        spec: {
          hostPID: true,
          containers: [
            {
              name: POD,
              image: e.toolboxImage,
              securityContext: { privileged: true },
              volumeMounts: [{ name: 'node-root', mountPath: ROOT }],
            },
          ],
          volumes: [{ name: 'node-root', hostPath: { path: '/' } }],
        },
      },
    });
    await eventually('the installer pod Running', async () => {
      const pod = await e.core.readNamespacedPod({ name: POD, namespace: NAMESPACE });
      return pod.status?.phase === 'Running' ? true : undefined;
    });
    const seen = await inPod(`cat ${ROOT}/etc/containerd/config.toml`);
    expect(seen).toBe(readFileSync(e.node.hostPathOf('/etc/containerd/config.toml'), 'utf8'));
    expect(e.node.hostPathOf('/etc/containerd/config.toml')).toBe(
      join(e.node.nodeRoot.etcContainerd, 'config.toml'),
    );
    expect(seen).toContain(e.node.registry);
    const hostConfig = existsSync('/etc/containerd/config.toml')
      ? readFileSync('/etc/containerd/config.toml', 'utf8')
      : undefined;
    expect(seen).not.toBe(hostConfig);
  });

  it("takes an installer's edits into the cluster's files and leaves the host's as they were", async () => {
    const e = node();
    // As an installer does: write beside and rename (a bind-mounted file would refuse the rename).
    await inPod(
      [
        `cd ${ROOT}/etc/containerd`,
        'cp config.toml config.toml.new',
        `printf '\\n[plugins."io.containerd.cri.v1.runtime".containerd.runtimes.${ADDED_HANDLER}]\\n  runtime_type = "io.containerd.runc.v2"\\n' >> config.toml.new`,
        'mv config.toml.new config.toml',
        `mkdir -p ${ROOT}/opt/rcm/bin`,
        `echo '{}' > ${ROOT}/opt/rcm/rcm-lock.json`,
      ].join(' && '),
    );
    expect(readFileSync(join(e.node.nodeRoot.etcContainerd, 'config.toml'), 'utf8')).toContain(ADDED_HANDLER);
    expect(readFileSync(e.node.hostPathOf('/opt/rcm/rcm-lock.json'), 'utf8')).toBe('{}\n');
    expect(existsSync(join(e.node.nodeRoot.optRcm, 'bin'))).toBe(true);
    expect(snapshot('/etc/containerd')).toEqual(hostBefore.etcContainerd);
    // The host's /opt/rcm may exist now, empty: the node's is mounted over it, in the node only.
    expect(snapshot('/opt/rcm')).toEqual(hostBefore.optRcm);
  });

  it('restarts containerd on SIGTERM from the pod: the supervisor starts it again on the edited config', async () => {
    const e = node();
    const before = e.node.containerdPid();
    // What an installer can check through /proc: the command line, and that the process's config file is
    // the one under its hostPath (another node's containerd reads another file at the same path).
    const seen = await inPod(
      `tr '\\0' ' ' < /proc/${String(before)}/cmdline; echo; ` +
        `stat -c '%d:%i' /proc/${String(before)}/root/etc/containerd/config.toml ${ROOT}/etc/containerd/config.toml`,
    );
    const [cmdline, own, viaHostPath] = seen.split('\n');
    expect(cmdline).toContain(`--config ${e.node.containerd.config}`);
    expect(own).toBe(viaHostPath);
    await inPod(`kill -TERM ${String(before)}`);
    await eventually('a new containerd', () => {
      const pid = e.node.containerdPid();
      return Promise.resolve(pid !== before ? pid : undefined);
    });
    // containerd 2.x reports its handlers through CRI; kubelet puts them on the node.
    await eventually(`the node reporting handler ${ADDED_HANDLER}`, async () => {
      const found = await e.core.readNode({ name: e.node.name });
      const ready = found.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
      const handlers = found.status?.runtimeHandlers?.map((handler) => handler.name) ?? [];
      return ready && handlers.includes(ADDED_HANDLER) ? true : undefined;
    });
  });

  it("keeps the node's mounts (kubelet's volumes, the pod's sandbox) out of the host's mount table", async () => {
    const e = node();
    const dataDir = e.cluster.dataDir;
    const inNodeMounts = mountPoints(
      await runChecked(NSENTER, inNode(e.node, '/bin/cat', ['/proc/self/mountinfo'])),
    );
    expect(inNodeMounts).toContain('/etc/containerd');
    expect(inNodeMounts).toContain('/opt/rcm');
    expect(inNodeMounts.some((point) => point.startsWith(join(dataDir, 'node', 'kubelet', 'pods')))).toBe(
      true,
    );
    const onHost = mountPoints();
    // Only the pin of the node's mount namespace, on its private mount.
    expect(onHost.filter((point) => point.startsWith(`${dataDir}/`)).sort()).toEqual([
      dirname(e.node.mountNamespacePath),
      e.node.mountNamespacePath,
    ]);
    expect(onHost).not.toContain('/etc/containerd');
    expect(onHost).not.toContain('/opt/rcm');
  });

  it('stops leaving no mount, mount namespace or mount point, and the host files as they were', async () => {
    const e = node();
    const namespace = readlinkSync(`/proc/${String(e.node.containerdPid())}/ns/mnt`);
    await e.cluster.stop();
    stopped = true;
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(e.cluster.dataDir);
    expect(existsSync(e.cluster.dataDir)).toBe(false);
    expect(processesInMountNamespace(namespace)).toEqual([]);
    expect(snapshot('/etc/containerd')).toEqual(hostBefore.etcContainerd);
    // /opt/rcm was made for the node if the host lacked it, and is gone with it, unless another cluster's
    // node runs (another test run), which keeps it until it stops.
    expect(snapshot('/opt/rcm')).toEqual(hostBefore.optRcm);
    expect(existsSync('/opt/rcm')).toBe(hostBefore.optRcmExists || mountNamespacePinned());
  });
});

/** A directory's files (none when it does not exist) and their sha256. */
function snapshot(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const path = join(entry.parentPath, entry.name);
        return [path, createHash('sha256').update(readFileSync(path)).digest('hex')];
      }),
  );
}
