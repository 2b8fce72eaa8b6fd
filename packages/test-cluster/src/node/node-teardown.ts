/**
 * Removes everything a real node leaves once its processes were asked to stop: whatever still runs in its
 * cgroup tree (containerd's shims, pod containers, the Spin shim's server) is killed by PID, then its mounts
 * (container root filesystems, pod network namespaces, kubelet's volumes) are unmounted, the shim sockets
 * containerd keeps in /run/containerd/s and kubelet's links in /var/log/containers are removed, and last the
 * cgroups and the network (namespace, veth, bridge, route; the node's iptables rules go with its namespace).
 */
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cgroupProcesses, removeCgroup } from './node-cgroups.js';
import { removeNodeNetwork } from './node-network.js';
import type { RealNodeState } from './real-node.js';
import { runCommand } from '../run-command.js';

const CONTAINER_LOG_LINKS = '/var/log/containers';

/** Returns what could not be removed (empty when the node is gone without a trace). */
export async function tearDownRealNode(node: RealNodeState): Promise<string[]> {
  const left: string[] = [];
  for (let round = 0; round < 50; round++) {
    const pids = cgroupProcesses(node.cgroupRoot);
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
  left.push(...cgroupProcesses(node.cgroupRoot).map((pid) => `process ${String(pid)}`));
  removeShimSockets(join(node.dir, 'containerd', 'state'));
  left.push(...(await unmountBelow(node.dir)));
  removeContainerLogLinks(node.podLogsDir);
  left.push(...removeCgroup(node.cgroupRoot));
  await removeNodeNetwork(node.network);
  return left;
}

/** Unmounts every mount at or below `dir`, deepest first; returns those still mounted. */
async function unmountBelow(dir: string): Promise<string[]> {
  const below = () => mountPoints().filter((point) => point === dir || point.startsWith(`${dir}/`));
  for (const point of below().sort((a, b) => b.length - a.length)) {
    if ((await runCommand('/usr/bin/umount', [point])).code !== 0)
      await runCommand('/usr/bin/umount', ['--lazy', point]);
  }
  return below().map((point) => `mount ${point}`);
}

function mountPoints(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point !== '')
    .map((point) =>
      point.replace(/\\([0-7]{3})/g, (_m, octal: string) => String.fromCharCode(parseInt(octal, 8))),
    );
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
