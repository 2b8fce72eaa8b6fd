/**
 * Named network namespaces for containers under test, joined to the host by a veth pair on a private /30
 * (see veth-subnet.ts), so the test process reaches a server listening on 0.0.0.0:<port> inside at
 * `address`. Nothing is routed: the namespace has no default route, the host only a link route to the
 * /30, and IPv6 is off on both ends (no router solicitations or DAD on the link).
 */
import { cidrsOverlap, disableIpv6, hostPrefixes, runChecked, runCommand } from '@spinkube/test-cluster';
import { SUBNET_COUNT, vethSubnet, type VethSubnet } from './veth-subnet.ts';
import { isAlive } from './process-lifecycle.ts';

const IP = '/usr/sbin/ip';
/** Default names: `spk<pid of the test process>-<n>`, so a later run can tell whose they were. */
const DEFAULT_NAME = /^spk(\d+)-\d+$/;

export interface Netns {
  readonly name: string;
  /** For `ctr run --with-ns network:<path>` and a runtime spec's `linux.namespaces`. */
  readonly path: string;
  /** The host end of the veth pair. */
  readonly hostAddress: string;
  /** The namespace end (`eth0` inside): where the test process connects to. */
  readonly address: string;
  readonly hostInterface: string;
  /** Deletes the veth pair and the namespace; idempotent. */
  remove(): Promise<void>;
}

let created = 0;

export async function createNetns(name = `spk${String(process.pid)}-${String(++created)}`): Promise<Netns> {
  await removeStaleNetns();
  await runChecked(IP, ['netns', 'add', name]);
  const path = `/var/run/netns/${name}`;
  let subnet: VethSubnet | undefined;
  const remove = async (): Promise<void> => {
    if (subnet) await runCommand(IP, ['link', 'delete', subnet.hostInterface]);
    await runCommand(IP, ['netns', 'delete', name]);
  };
  try {
    await runChecked(IP, ['-n', name, 'link', 'set', 'lo', 'up']);
    subnet = await claimVethPair(name);
    const { hostInterface, hostAddress, namespaceAddress } = subnet;
    await runChecked(IP, ['link', 'set', hostInterface, 'alias', name]);
    disableIpv6(hostInterface);
    const insideIpv6 = '/proc/sys/net/ipv6/conf/eth0/disable_ipv6';
    await runChecked(IP, [
      'netns',
      'exec',
      name,
      '/bin/sh',
      '-c',
      `[ ! -e ${insideIpv6} ] || echo 1 > ${insideIpv6}`,
    ]);
    await runChecked(IP, ['address', 'add', `${hostAddress}/30`, 'dev', hostInterface]);
    await runChecked(IP, ['-n', name, 'address', 'add', `${namespaceAddress}/30`, 'dev', 'eth0']);
    await runChecked(IP, ['link', 'set', hostInterface, 'up']);
    await runChecked(IP, ['-n', name, 'link', 'set', 'eth0', 'up']);
    return { name, path, hostAddress, address: namespaceAddress, hostInterface, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/**
 * Creates the veth pair on a free /30: one that no route or address of the host overlaps, and whose
 * interface name (the lock) no concurrent test file has taken. The namespace end is `eth0`.
 */
async function claimVethPair(netns: string): Promise<VethSubnet> {
  const taken = await hostPrefixes();
  const start = Math.floor(Math.random() * SUBNET_COUNT);
  for (let offset = 0; offset < SUBNET_COUNT; offset++) {
    const subnet = vethSubnet((start + offset) % SUBNET_COUNT);
    if (taken.some((prefix) => cidrsOverlap(subnet.cidr, prefix))) continue;
    const result = await runCommand(IP, [
      'link',
      'add',
      subnet.hostInterface,
      'type',
      'veth',
      'peer',
      'name',
      'eth0',
      'netns',
      netns,
    ]);
    if (result.code === 0) return subnet;
    if (!result.stderr.includes('File exists'))
      throw new Error(`ip link add ${subnet.hostInterface}: ${result.stderr.trim()}`);
  }
  throw new Error('no free /30 left in 10.200.0.0/16');
}

/** Namespaces (and their veths) left by test processes that died without removing them. */
async function removeStaleNetns(): Promise<void> {
  const namespaces = (await runChecked(IP, ['netns', 'list']))
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => {
      const owner = DEFAULT_NAME.exec(name)?.[1];
      return owner !== undefined && !isAlive(Number(owner));
    });
  if (namespaces.length === 0) return;
  const links = JSON.parse(await runChecked(IP, ['-j', 'link', 'show'])) as {
    ifname: string;
    ifalias?: string;
  }[];
  for (const name of namespaces) {
    for (const link of links.filter((entry) => entry.ifalias === name && entry.ifname.startsWith('spkv')))
      await runCommand(IP, ['link', 'delete', link.ifname]);
    await runCommand(IP, ['netns', 'delete', name]);
  }
}
