/**
 * The real node's network, made from nothing the host already uses: a host bridge `spkb<i>` with
 * 10.250.<i>.1/24 (the control plane listens there, so pods reach the API server at an address that is not
 * loopback), the node's own network namespace joined to the bridge by a veth pair (the node is
 * 10.250.<i>.2, the way a kind node is a container on Docker's bridge; a second node could join the same
 * bridge), and one host route to the node's pod network 10.244.<i>.0/24 via the node, so the API server
 * (webhooks, `kubectl port-forward`) and tests reach pod IPs. The node has no default route: pods and node
 * processes reach the cluster's own addresses and nothing else. The bridge name is the lock that keeps two
 * clusters off the same `<i>`.
 */
import { writeFileSync } from 'node:fs';
import { TestClusterError } from '../errors.js';
import { SERVICE_CIDR } from '../service-network.js';
import { hostPrefixes } from './host-prefixes.js';
import { cidrsOverlap } from './ipv4.js';
import { runChecked, runCommand } from '../run-command.js';

const IP = '/usr/sbin/ip';
const NETWORKS = 256;

export interface NodeNetwork {
  readonly index: number;
  /** Host bridge, with `hostAddress` on it. */
  readonly bridge: string;
  readonly hostAddress: string;
  /** `10.250.<i>.0/24` */
  readonly cidr: string;
  /** The node's network namespace (`ip netns`), its path for `nsenter --net=`. */
  readonly netns: string;
  readonly netnsPath: string;
  /** Host end of the node's veth pair (the node end is `eth0`). */
  readonly veth: string;
  readonly nodeAddress: string;
  /** The node's pod network, handed out by CNI's host-local IPAM. */
  readonly podCidr: string;
}

export function nodeNetwork(index: number): NodeNetwork {
  if (!Number.isInteger(index) || index < 0 || index >= NETWORKS)
    throw new RangeError(`node network index ${String(index)} is outside 0..${String(NETWORKS - 1)}`);
  const i = String(index);
  return {
    index,
    bridge: `spkb${i}`,
    hostAddress: `10.250.${i}.1`,
    cidr: `10.250.${i}.0/24`,
    netns: `spkn${i}-0`,
    netnsPath: `/run/netns/spkn${i}-0`,
    veth: `spkn${i}-0`,
    nodeAddress: `10.250.${i}.2`,
    podCidr: `10.244.${i}.0/24`,
  };
}

/** Creates the bridge on a free index, then the node's namespace, veth and route. */
export async function createNodeNetwork(): Promise<NodeNetwork> {
  const taken = await hostPrefixes();
  const start = Math.floor(Math.random() * NETWORKS);
  for (let offset = 0; offset < NETWORKS; offset++) {
    const network = nodeNetwork((start + offset) % NETWORKS);
    if (taken.some((prefix) => cidrsOverlap(network.cidr, prefix) || cidrsOverlap(network.podCidr, prefix)))
      continue;
    const claimed = await runCommand(IP, ['link', 'add', network.bridge, 'type', 'bridge']);
    if (claimed.code !== 0) {
      if (claimed.stderr.includes('File exists')) continue;
      throw new TestClusterError('CommandFailed', `ip link add ${network.bridge}: ${claimed.stderr.trim()}`);
    }
    try {
      await configure(network);
      return network;
    } catch (error) {
      await removeNodeNetwork(network);
      throw error;
    }
  }
  throw new TestClusterError('CommandFailed', 'no free node network left in 10.250.0.0/16 and 10.244.0.0/16');
}

async function configure(network: NodeNetwork): Promise<void> {
  const { bridge, netns, veth } = network;
  disableIpv6(bridge);
  await runChecked(IP, ['address', 'add', `${network.hostAddress}/24`, 'dev', bridge]);
  await runChecked(IP, ['link', 'set', bridge, 'up']);
  await runChecked(IP, ['netns', 'add', netns]);
  await runChecked(IP, ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns]);
  disableIpv6(veth);
  await runChecked(IP, ['link', 'set', veth, 'master', bridge, 'up']);
  await runChecked(IP, ['-n', netns, 'link', 'set', 'lo', 'up']);
  await runChecked(IP, ['-n', netns, 'address', 'add', `${network.nodeAddress}/24`, 'dev', 'eth0']);
  await runChecked(IP, ['-n', netns, 'link', 'set', 'eth0', 'up']);
  // Inside the node: forward between pods and eth0, and let bridged pod traffic through kube-proxy's rules
  // (a pod reaching a Service whose endpoint is on the same bridge).
  await runChecked(IP, [
    'netns',
    'exec',
    netns,
    '/bin/sh',
    '-c',
    'echo 1 > /proc/sys/net/ipv4/ip_forward && ' +
      'if [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]; then echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables; fi && ' +
      'if [ -e /proc/sys/net/ipv6/conf/all/disable_ipv6 ]; then echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; fi',
  ]);
  // Service IPs from the node itself (no default route): kube-proxy's rules rewrite them to pod IPs after
  // this route is chosen; an address no Service has goes out on the link and finds no one there.
  await runChecked(IP, ['-n', netns, 'route', 'add', SERVICE_CIDR, 'dev', 'eth0']);
  await runChecked(IP, ['route', 'add', network.podCidr, 'via', network.nodeAddress, 'dev', bridge]);
}

/** Removes the route, veth, namespace and bridge; idempotent (what does not exist is skipped). */
export async function removeNodeNetwork(network: NodeNetwork): Promise<void> {
  await runCommand(IP, ['route', 'delete', network.podCidr, 'via', network.nodeAddress]);
  await runCommand(IP, ['link', 'delete', network.veth]);
  await runCommand(IP, ['netns', 'delete', network.netns]);
  await runCommand(IP, ['link', 'delete', network.bridge]);
}

/** Turns IPv6 off on a link (no router solicitations or duplicate address detection on test links). */
export function disableIpv6(link: string): void {
  try {
    writeFileSync(`/proc/sys/net/ipv6/conf/${link}/disable_ipv6`, '1');
  } catch {
    // IPv6 is off on this host altogether.
  }
}
