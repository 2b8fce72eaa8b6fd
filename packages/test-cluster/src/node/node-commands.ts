/** How the node's processes are started: inside its network namespace, with a PATH of their own. */

export const NSENTER = '/usr/bin/nsenter';
export const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** nsenter's arguments that run `binary args…` in the network namespace at `netnsPath` (and no other). */
export function inNode(netnsPath: string, binary: string, args: readonly string[]): string[] {
  return [`--net=${netnsPath}`, '--', binary, ...args];
}
