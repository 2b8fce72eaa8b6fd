import { describe, expect, it } from 'vitest';
import { isAllowed, outboundTarget, parseAllowedHost } from './allowed-hosts.js';

const allows = (entries: string[], url: string) =>
  isAllowed(entries.flatMap(parseAllowedHost), outboundTarget(url));

describe('allowed_outbound_hosts', () => {
  it('allows an exact host on the scheme default port only', () => {
    expect(allows(['https://example.com'], 'https://example.com/api')).toBe(true);
    expect(allows(['https://example.com'], 'https://EXAMPLE.com:443/')).toBe(true);
    expect(allows(['https://example.com'], 'http://example.com/')).toBe(false);
    expect(allows(['https://example.com'], 'https://example.com:8443/')).toBe(false);
    expect(allows(['https://example.com'], 'https://api.example.com/')).toBe(false);
  });

  it('supports port numbers, ranges and *', () => {
    expect(allows(['http://localhost:3000'], 'http://localhost:3000/')).toBe(true);
    expect(allows(['http://localhost:3000-3005'], 'http://localhost:3004/')).toBe(true);
    expect(allows(['http://localhost:3000-3005'], 'http://localhost:3006/')).toBe(false);
    expect(allows(['http://localhost:*'], 'http://localhost:9/')).toBe(true);
  });

  it('supports *.domain for subdomains (not the domain itself) and * for any host', () => {
    expect(allows(['https://*.example.com'], 'https://a.b.example.com/')).toBe(true);
    expect(allows(['https://*.example.com'], 'https://example.com/')).toBe(false);
    expect(allows(['https://*'], 'https://anything.test/')).toBe(true);
    expect(allows(['*://example.com'], 'http://example.com/')).toBe(true);
    expect(allows(['*://example.com'], 'https://example.com/')).toBe(true);
    expect(allows(['*://example.com'], 'https://example.com:8443/')).toBe(false);
  });

  it('treats relative URLs as the app itself, allowed by http://self only', () => {
    expect(allows(['http://self'], '/internal/api')).toBe(true);
    expect(allows(['http://*'], '/internal/api')).toBe(false);
    expect(allows(['https://example.com'], '/internal/api')).toBe(false);
  });

  it('allows service chaining per component or for all components', () => {
    expect(allows(['http://backend.spin.internal'], 'http://backend.spin.internal/x')).toBe(true);
    expect(allows(['http://*.spin.internal'], 'http://other.spin.internal/x')).toBe(true);
    expect(allows(['http://backend.spin.internal'], 'http://other.spin.internal/x')).toBe(false);
  });

  it('allows everything with insecure:allow-all', () => {
    expect(allows(['insecure:allow-all'], 'postgres://db.internal:5432')).toBe(true);
  });

  it('requires ports for non-HTTP schemes and accepts IPs', () => {
    expect(allows(['redis://10.0.0.5:6379'], 'redis://10.0.0.5:6379')).toBe(true);
    expect(allows(['https://[::1]:8443'], 'https://[::1]:8443/')).toBe(true);
  });

  it.each([
    ['example.com', 'does not contain a scheme (e.g. https://example.com)'],
    ['redis://cache', 'must give a port: only http and https have a default'],
    ['https://example.com/api', 'must not contain a path'],
    ['https://exa*mple.com', 'a wildcard may only be "*" or lead the host as "*.domain"'],
    ['https://example.com:99999', 'has an invalid port "99999"'],
    ['https://bad_host', 'has an invalid host "bad_host"'],
  ])('refuses %j', (entry, message) => {
    expect(() => parseAllowedHost(entry)).toThrow(message);
  });
});
