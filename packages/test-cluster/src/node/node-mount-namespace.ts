/**
 * The node's own mount namespace, so that the node's files are the node's: an installer running on the node
 * (the runtime-class-manager's, in a pod with hostPath `/`) edits `/etc/containerd/config.toml` and writes
 * `/opt/rcm`, and on this machine that must reach the cluster's files, not the host's. In the namespace
 * those two directories are bind mounts of directories in the cluster's data (`<node dir>/root/…`);
 * directories, not files, because an installer replaces a file by writing beside it and renaming, which a
 * bind-mounted file refuses. Everything else is the host's filesystem as it is.
 *
 * The namespace is a slave of the host's: host mounts still reach the node, but what the node mounts
 * (kubelet's volumes, container root filesystems, pod network namespaces) stays out of the host. It is
 * pinned, as `ip netns` pins network namespaces, by bind mounting its ns file onto a file in the node's
 * directory, which is first made a private mount of itself (an ns file may not be mounted where the mount
 * would propagate); it lives while pinned or used, and goes with the pin once the node's processes are gone.
 */
import { mkdirSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { TestClusterError } from '../errors.js';
import { runChecked, runCommand } from '../run-command.js';
import { ensureMountPoint, releaseMountPoints } from './host-mount-points.js';
import { hostMounts, mountPointsBelow, pinnedMountNamespaces } from './mountinfo.js';
import { NSENTER } from './node-commands.js';

const MOUNT = '/usr/bin/mount';
const UMOUNT = '/usr/bin/umount';
const UNSHARE = '/usr/bin/unshare';

/** The node paths that are the node's own, each a bind mount of the same path below `NodeRoot.dir`. */
export const NODE_OWN_DIRS = ['/etc/containerd', '/opt/rcm'] as const;

/** The config the node's containerd reads, as a real node's does (a path in the node's mount namespace). */
export const NODE_CONTAINERD_CONFIG = '/etc/containerd/config.toml';

/** Where the node's own directories are on the host. */
export interface NodeRoot {
  /** `<node dir>/root`: the node's own directories at their node paths below it. */
  readonly dir: string;
  /** What the node sees at /etc/containerd (containerd's config.toml). */
  readonly etcContainerd: string;
  /** What the node sees at /opt/rcm (the runtime-class-manager's shims and lock file). */
  readonly optRcm: string;
}

export interface NodeMountNamespace {
  /** The pin: `nsenter --mount=<path>` enters the namespace. */
  readonly path: string;
  readonly root: NodeRoot;
}

export function nodeRoot(dir: string): NodeRoot {
  return { dir, etcContainerd: join(dir, 'etc', 'containerd'), optRcm: join(dir, 'opt', 'rcm') };
}

/**
 * The host path of what the node sees at `nodePath`: below one of the node's own directories, the file in
 * the cluster's data; anywhere else the same path (the node shares the host's filesystem there).
 */
export function hostPathOf(root: NodeRoot, nodePath: string): string {
  if (!posix.isAbsolute(nodePath)) throw new TypeError(`a node path is absolute: "${nodePath}" is not`);
  const path = posix.normalize(nodePath);
  const own = NODE_OWN_DIRS.some((dir) => path === dir || path.startsWith(`${dir}/`));
  return own ? join(root.dir, path) : path;
}

/** Creates, pins and fills the namespace; on failure removes whatever it made. */
export async function createNodeMountNamespace(nodeDir: string): Promise<NodeMountNamespace> {
  const pinDir = join(nodeDir, 'ns');
  const namespace = { path: join(pinDir, 'mnt'), root: nodeRoot(join(nodeDir, 'root')) };
  try {
    mkdirSync(pinDir, { recursive: true });
    await runChecked(MOUNT, ['--bind', pinDir, pinDir]);
    await runChecked(MOUNT, ['--make-private', pinDir]);
    writeFileSync(namespace.path, '');
    await runChecked(UNSHARE, [`--mount=${namespace.path}`, '--propagation', 'slave', '/bin/true']);
    for (const nodePath of NODE_OWN_DIRS) {
      const source = hostPathOf(namespace.root, nodePath);
      mkdirSync(source, { recursive: true });
      await bindInNamespace(namespace.path, source, nodePath);
    }
    return namespace;
  } catch (error) {
    await removeNodeMountNamespace(namespace);
    throw error;
  }
}

/**
 * Binds `source` at `target` in the namespace. The target is made on the host when missing; a second try
 * covers another cluster's teardown removing a target it made between the two steps.
 */
async function bindInNamespace(pin: string, source: string, target: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    ensureMountPoint(target);
    const result = await runCommand(NSENTER, [`--mount=${pin}`, '--', MOUNT, '--bind', source, target]);
    if (result.code === 0) return;
    if (attempt === 2)
      throw new TestClusterError(
        'CommandFailed',
        `mount --bind ${source} ${target} in the node's mount namespace: ${result.stderr.trim()}`,
      );
  }
}

/** The namespace's inode (what `/proc/<pid>/ns/mnt` links to) while it is pinned. */
export function mountNamespaceInode(pin: string): number | undefined {
  const entry = hostMounts().find((mount) => mount.mountPoint === pin);
  return entry ? pinnedMountNamespaces([entry])[0] : undefined;
}

/** Processes in the mount namespace with this inode (the node's, wherever their cgroup is). */
export function processesInMountNamespace(inode: number): number[] {
  const link = `mnt:[${String(inode)}]`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/ns/mnt`) === link) pids.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return pids;
}

/**
 * Unpins the namespace (it goes, with every mount in it, once no process is left in it) and removes the
 * mount points made for it when no other node's namespace is pinned. Returns what is still mounted.
 */
export async function removeNodeMountNamespace(
  namespace: Pick<NodeMountNamespace, 'path'>,
): Promise<string[]> {
  const pinDir = dirname(namespace.path);
  for (const point of mountPointsBelow(hostMounts(), pinDir))
    if ((await runCommand(UMOUNT, [point])).code !== 0) await runCommand(UMOUNT, ['--lazy', point]);
  const mounts = hostMounts();
  const left = mountPointsBelow(mounts, pinDir).map((point) => `mount ${point}`);
  // Any other pinned mount namespace may be another cluster's node, mounting over the same directories.
  if (left.length === 0 && pinnedMountNamespaces(mounts).length === 0) releaseMountPoints(NODE_OWN_DIRS);
  return left;
}
