/** What the host's network already uses, so that a new network can stay clear of it. */
import { runChecked } from '../run-command.js';

const IP = '/usr/sbin/ip';

/** Every IPv4 route destination and interface address of the host (all tables). */
export async function hostPrefixes(): Promise<string[]> {
  const routes = JSON.parse(await runChecked(IP, ['-j', '-4', 'route', 'show', 'table', 'all'])) as {
    dst?: string;
  }[];
  const links = JSON.parse(await runChecked(IP, ['-j', '-4', 'address', 'show'])) as {
    addr_info?: { local?: string; prefixlen?: number }[];
  }[];
  return [
    ...routes.flatMap((route) => (route.dst && route.dst !== 'default' ? [route.dst] : [])),
    ...links.flatMap((link) =>
      (link.addr_info ?? []).flatMap((info) =>
        info.local ? [`${info.local}/${String(info.prefixlen ?? 32)}`] : [],
      ),
    ),
  ];
}
