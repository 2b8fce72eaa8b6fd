/**
 * Removes everything a real node leaves once its processes were asked to stop: whatever still runs in its
 * cgroup tree or its mount namespace (containerd's shims, pod containers, the Spin shim's server, a command
 * a test ran in the node) is killed by PID; the namespace is unpinned, which takes the node's mounts
 * (container root filesystems, pod network namespaces, kubelet's volumes) with it, and with it the mount
 * points made on the host for /etc/containerd and /opt/rcm; whatever is still mounted under the node's
 * directory on the host is unmounted; the shim sockets containerd keeps in /run/containerd/s and kubelet's
 * links in /var/log/containers are removed, and last the cgroups and the network (namespace, veth, bridge,
 * route; the node's iptables rules go with its namespace).
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { hostMounts, mountPointsBelow } from './mountinfo.js';
import { cgroupProcesses, removeCgroup } from './node-cgroups.js';
import {
  mountNamespaceInode,
  processesInMountNamespace,
  removeNodeMountNamespace,
} from './node-mount-namespace.js';
import { removeNodeNetwork } from './node-network.js';
import type { RealNodeState } from './real-node.js';
import { runCommand } from '../run-command.js';

const CONTAINER_LOG_LINKS = '/var/log/containers';

/** Returns what could not be removed (empty when the node is gone without a trace). */
export async function tearDownRealNode(node: RealNodeState): Promise<string[]> {
  const left: string[] = [];
  // A state written before nodes had a mount namespace has no pin.
  const pin = (node as Partial<RealNodeState>).mountNamespacePath;
  const inode = pin === undefined ? undefined : mountNamespaceInode(pin);
  const nodeProcesses = () => [
    ...new Set([
      ...cgroupProcesses(node.cgroupRoot),
      ...(inode === undefined ? [] : processesInMountNamespace(inode)),
    ]),
  ];
  for (let round = 0; round < 50; round++) {
    const pids = nodeProcesses();
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    await sleep(100);
  }
  left.push(...nodeProcesses().map((pid) => `process ${String(pid)}`));
  removeShimSockets(join(node.dir, 'containerd', 'state'));
  if (pin !== undefined) left.push(...(await removeNodeMountNamespace({ path: pin })));
  left.push(...(await unmountBelow(node.dir)));
  removeContainerLogLinks(node.podLogsDir);
  left.push(...removeCgroup(node.cgroupRoot));
  await removeNodeNetwork(node.network);
  return left;
}

/**
 * Unmounts every host mount at or below `dir`, deepest first; returns those still mounted. With the node's
 * mounts in its own namespace there should be none; a node of an older state mounted here.
 */
async function unmountBelow(dir: string): Promise<string[]> {
  for (const point of mountPointsBelow(hostMounts(), dir)) {
    if ((await runCommand('/usr/bin/umount', [point])).code !== 0)
      await runCommand('/usr/bin/umount', ['--lazy', point]);
  }
  return mountPointsBelow(hostMounts(), dir).map((point) => `mount ${point}`);
}

/**
 * containerd records each shim's socket (`unix:///run/containerd/s/<hash>`) in the task's bundle: `address`
 * in 1.x, `bootstrap.json` in 2.x. The sockets outlive killed shims.
 */
function removeShimSockets(stateDir: string): void {
  const tasks = join(stateDir, 'io.containerd.runtime.v2.task');
  for (const namespace of list(tasks))
    for (const id of list(join(tasks, namespace)))
      for (const file of ['address', 'bootstrap.json']) {
        let content: string;
        try {
          content = readFileSync(join(tasks, namespace, id, file), 'utf8');
        } catch {
          continue;
        }
        for (const [socket] of content.matchAll(/\/run\/containerd\/s\/[0-9a-f]+/g))
          rmSync(socket, { force: true });
      }
}

/** kubelet links `/var/log/containers/<pod>_<namespace>_<container>-<id>.log` to files in its pod logs dir. */
function removeContainerLogLinks(podLogsDir: string): void {
  for (const entry of list(CONTAINER_LOG_LINKS)) {
    const link = join(CONTAINER_LOG_LINKS, entry);
    try {
      if (readlinkSync(link).startsWith(`${podLogsDir}/`)) rmSync(link, { force: true });
    } catch {
      // Not a link.
    }
  }
}

function list(dir: string): string[] {
  try {
    return existsSync(dir) ? readdirSync(dir) : [];
  } catch {
    return [];
  }
}
