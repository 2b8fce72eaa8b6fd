import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  formatReference,
  isLoopbackRegistry,
  isOciReference,
  parseReference,
  registryEndpoint,
} from './reference.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('parseReference', () => {
  it.each([
    ['ghcr.io/spinframework/hello:v1', { registry: 'ghcr.io', repository: 'spinframework/hello', tag: 'v1' }],
    ['localhost:5000/app', { registry: 'localhost:5000', repository: 'app', tag: 'latest' }],
    ['127.0.0.1:5000/a/b/c:1.0', { registry: '127.0.0.1:5000', repository: 'a/b/c', tag: '1.0' }],
    ['[::1]:5000/app:x', { registry: '[::1]:5000', repository: 'app', tag: 'x' }],
    ['nginx', { registry: 'docker.io', repository: 'library/nginx', tag: 'latest' }],
    ['fermyon/spin-hello:latest', { registry: 'docker.io', repository: 'fermyon/spin-hello', tag: 'latest' }],
    ['index.docker.io/user/app', { registry: 'docker.io', repository: 'user/app', tag: 'latest' }],
    [`ghcr.io/o/app@${DIGEST}`, { registry: 'ghcr.io', repository: 'o/app', digest: DIGEST }],
    [`ghcr.io/o/app:v2@${DIGEST}`, { registry: 'ghcr.io', repository: 'o/app', tag: 'v2', digest: DIGEST }],
  ])('parses %s', (text, expected) => {
    expect(parseReference(text)).toEqual(expected);
  });

  it.each([
    ['ghcr.io/Owner/app', /repository must be lowercase/],
    ['ghcr.io/app:bad tag', /tag "bad tag" is not valid/],
    ['ghcr.io/app@sha256:abc', /digest "sha256:abc" must be sha256: and 64/],
    ['ghcr.io/', /repository must be lowercase/],
    ['-bad.io/app', /registry "-bad.io" is not a valid host/],
  ])('refuses %s', (text, message) => {
    expect(() => parseReference(text)).toThrow(message);
  });

  it('formats a reference back, with defaults made explicit', () => {
    expect(formatReference(parseReference('nginx'))).toBe('docker.io/library/nginx:latest');
    expect(formatReference(parseReference(`localhost:5000/a@${DIGEST}`))).toBe(`localhost:5000/a@${DIGEST}`);
  });
});

describe('registry endpoints', () => {
  it('sends Docker Hub requests to its API host', () => {
    expect(registryEndpoint('docker.io')).toBe('registry-1.docker.io');
    expect(registryEndpoint('ghcr.io')).toBe('ghcr.io');
  });

  it('knows loopback registries, which are reached over http', () => {
    for (const registry of ['localhost', 'localhost:5000', '127.0.0.1:5000', '127.1.2.3', '[::1]:5000']) {
      expect(isLoopbackRegistry(registry)).toBe(true);
    }
    for (const registry of ['ghcr.io', 'localhost.example.com', '10.0.0.1:5000', '[::2]:5000']) {
      expect(isLoopbackRegistry(registry)).toBe(false);
    }
  });
});

describe('isOciReference', () => {
  it('lets an existing path win, and takes bare names as paths', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spinkube-ref-'));
    try {
      writeFileSync(join(dir, 'app:v1'), '');
      expect(isOciReference(join(dir, 'app:v1'))).toBe(false);
      expect(isOciReference('spin.toml')).toBe(false);
      expect(isOciReference('apps/hello')).toBe(false);
      expect(isOciReference('./spin.toml')).toBe(false);
      expect(isOciReference('/abs/spin.toml')).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('recognises references with a registry, a tag or a digest', () => {
    expect(isOciReference('ghcr.io/o/app')).toBe(true);
    expect(isOciReference('localhost:5000/app')).toBe(true);
    expect(isOciReference('fermyon/app:v1')).toBe(true);
    expect(isOciReference(`app@${DIGEST}`)).toBe(true);
  });
});
