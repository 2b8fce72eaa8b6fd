/**
 * Listen addresses in the form controller-runtime's flags take them (`--metrics-bind-address`), so the
 * same chart values work: `host:port`, `:port` for every interface, `[ipv6]:port`, and `0` to disable.
 */

export interface BindAddress {
  /** Absent for every interface (IPv4 and IPv6 where the host has both). */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
}

/** The parsed address, or `undefined` for `0` (the server is disabled). */
export function parseBindAddress(address: string): BindAddress | undefined {
  if (address === '0') return undefined;
  const colon = address.lastIndexOf(':');
  const invalid = (why: string) =>
    new RangeError(`invalid bind address "${address}": ${why} (expected [host]:port, or 0 to disable)`);
  if (colon < 0) throw invalid('no port');
  let host = address.slice(0, colon);
  const portText = address.slice(colon + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  else if (host.includes(':')) throw invalid('an IPv6 host must be in brackets');
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw invalid(`bad port "${portText}"`);
  const port = Number(portText);
  return host === '' ? { port } : { host, port };
}
