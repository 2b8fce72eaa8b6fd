/**
 * `allowed_outbound_hosts`: which network destinations a component may reach, with Spin's syntax:
 * `scheme://host[:port]`, where scheme may be `*`; host is a name, `*`, `*.suffix`, an IP address,
 * `self` (the app itself) or a `{{ variable }}` template; port is a number, a range `a-b` or `*`, and
 * defaults to 80/443 for http/https (other schemes must name one). `insecure:allow-all` allows everything.
 * Service chaining uses `http://<component>.spin.internal` (or `http://*.spin.internal`).
 */
import { isIP } from 'node:net';

export interface AllowedHost {
  /** A lower-case scheme, or `*` for any. */
  readonly scheme: string;
  readonly host:
    | { readonly kind: 'any' }
    | { readonly kind: 'exact'; readonly name: string }
    | { readonly kind: 'suffix'; readonly suffix: string };
  readonly ports:
    { readonly kind: 'any' } | { readonly kind: 'range'; readonly from: number; readonly to: number };
}

export interface OutboundTarget {
  readonly scheme: string;
  /** Host name, lower-case; `self` for requests to the app itself. */
  readonly host: string;
  readonly port: number;
}

export const ALLOW_ALL = 'insecure:allow-all';
const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443 };

/**
 * Parses one entry after its templates were rendered. Throws an Error whose message says what is wrong;
 * the caller adds where (the manifest field).
 */
export function parseAllowedHost(entry: string): AllowedHost[] {
  if (entry === ALLOW_ALL) return [{ scheme: '*', host: { kind: 'any' }, ports: { kind: 'any' } }];
  const match = /^([a-z*][a-z0-9+.-]*|\*):\/\/(.*)$/i.exec(entry);
  if (!match) throw new Error(`"${entry}" does not contain a scheme (e.g. https://${entry})`);
  const scheme = (match[1] ?? '').toLowerCase();
  let rest = match[2] ?? '';
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  if (rest.includes('/')) throw new Error(`"${entry}" must not contain a path`);
  const { host, port } = splitHostPort(rest, entry);
  if (host === '') throw new Error(`"${entry}" has no host`);

  let ports: AllowedHost['ports'];
  if (port === undefined) {
    const fallback = DEFAULT_PORTS[scheme];
    if (fallback === undefined) {
      if (scheme === '*') ports = { kind: 'any' };
      else throw new Error(`"${entry}" must give a port: only http and https have a default`);
    } else {
      ports = { kind: 'range', from: fallback, to: fallback };
    }
  } else if (port === '*') {
    ports = { kind: 'any' };
  } else {
    const range = /^(\d+)(?:-(\d+))?$/.exec(port);
    const from = Number(range?.[1]);
    const to = Number(range?.[2] ?? range?.[1]);
    if (!range || from > 65535 || to > 65535 || from > to)
      throw new Error(`"${entry}" has an invalid port "${port}"`);
    ports = { kind: 'range', from, to };
  }
  // A scheme wildcard without a port allows the default ports of http and https, as in Spin.
  if (scheme === '*' && port === undefined) {
    return Object.values(DEFAULT_PORTS).map((p) => ({
      scheme,
      host: hostPattern(host, entry),
      ports: { kind: 'range', from: p, to: p },
    }));
  }
  return [{ scheme, host: hostPattern(host, entry), ports }];
}

function splitHostPort(rest: string, entry: string): { host: string; port?: string } {
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    if (end < 0) throw new Error(`"${entry}" has an unclosed IPv6 address`);
    const after = rest.slice(end + 1);
    if (after !== '' && !after.startsWith(':')) throw new Error(`"${entry}" has text after the IPv6 address`);
    return { host: rest.slice(1, end).toLowerCase(), ...(after ? { port: after.slice(1) } : {}) };
  }
  const colon = rest.lastIndexOf(':');
  if (colon < 0) return { host: rest.toLowerCase() };
  return { host: rest.slice(0, colon).toLowerCase(), port: rest.slice(colon + 1) };
}

function hostPattern(host: string, entry: string): AllowedHost['host'] {
  if (host === '*') return { kind: 'any' };
  if (host.startsWith('*.')) return { kind: 'suffix', suffix: host.slice(1) };
  if (host.includes('*'))
    throw new Error(`"${entry}": a wildcard may only be "*" or lead the host as "*.domain"`);
  if (!isIP(host) && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host)) {
    throw new Error(`"${entry}" has an invalid host "${host}"`);
  }
  return { kind: 'exact', name: host };
}

/** Whether any entry allows the target. */
export function isAllowed(allowed: readonly AllowedHost[], target: OutboundTarget): boolean {
  const host = target.host.toLowerCase();
  return allowed.some((entry) => {
    if (entry.scheme !== '*' && entry.scheme !== target.scheme) return false;
    if (entry.ports.kind === 'range' && (target.port < entry.ports.from || target.port > entry.ports.to))
      return false;
    switch (entry.host.kind) {
      case 'any':
        return host !== 'self';
      case 'exact':
        return entry.host.name === host;
      case 'suffix':
        return host.endsWith(entry.host.suffix) && host.length > entry.host.suffix.length;
    }
  });
}

/** The target of a URL; URLs without a host (`/path`) go to the app itself. */
export function outboundTarget(url: string | URL): OutboundTarget {
  if (typeof url === 'string' && url.startsWith('/')) return { scheme: 'http', host: 'self', port: 80 };
  const parsed = typeof url === 'string' ? new URL(url) : url;
  const scheme = parsed.protocol.replace(/:$/, '');
  const port = parsed.port === '' ? (DEFAULT_PORTS[scheme] ?? 0) : Number(parsed.port);
  return { scheme, host: parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port };
}
