import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalHttpServer, type LocalHttpServer } from '../../test/local-http-server.js';
import { DevCacheError } from '../errors.js';
import { sha256Hex } from '../sha256.js';
import type { FixturePlaces } from './fixture-places.js';
import { parseFixtureManifest, type FixtureManifest } from './manifest.js';
import { resolveFixture } from './resolve-fixtures.js';
import { upstreamFixtures } from './upstream-fixtures.js';

// Test data written here, standing in for an upstream repository's files.
const SAMPLE = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sample\n';
const README = '# Demo\n\n```yaml\nkind: First\n```\n\ntext\n\n```yaml\nkind: Second\n```\n';
const COMMIT = '0123456789abcdef0123456789abcdef01234567';

function manifestWith(sha256s: { sample?: string; block?: string } = {}): FixtureManifest {
  return parseFixtureManifest(
    {
      sources: { demo: { repository: 'example/demo', tag: 'v1.2.3', commit: COMMIT } },
      files: [
        {
          path: 'demo/sample.yaml',
          source: 'demo',
          upstreamPath: 'config/sample.yaml',
          sha256: sha256s.sample ?? sha256Hex(SAMPLE),
        },
        {
          path: 'demo/readme-second.yaml',
          source: 'demo',
          upstreamPath: 'docs/README.md',
          extract: { codeBlock: 'yaml', index: 1 },
          sha256: sha256s.block ?? sha256Hex('kind: Second\n'),
        },
      ],
    },
    'test-manifest.json',
  );
}

let upstream: LocalHttpServer;
let work: string;
let places: FixturePlaces;

beforeAll(async () => {
  upstream = await startLocalHttpServer(
    new Map([
      [`/example/demo/raw/${COMMIT}/config/sample.yaml`, SAMPLE],
      [`/example/demo/raw/${COMMIT}/docs/README.md`, README],
    ]),
    { redirectPrefix: '/example/' },
  );
});
afterAll(() => upstream.close());

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'spinkube-fixtures-test-'));
  places = {
    envDir: undefined,
    sharedDir: join(work, 'shared'),
    cacheDir: join(work, 'cache'),
    downloadBase: upstream.url,
  };
  upstream.requests.length = 0;
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function writeCopy(dir: string, path: string, content: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

describe('resolving an upstream fixture', () => {
  it('downloads it from the pinned commit (following the redirect) into the cache, then reads the cache', async () => {
    const manifest = manifestWith();
    const first = await resolveFixture(manifest.files[0]!, { manifest, places });
    expect(first.origin).toBe('download');
    expect(first.path).toBe(join(places.cacheDir, 'demo/sample.yaml'));
    expect(readFileSync(first.path, 'utf8')).toBe(SAMPLE);
    expect(upstream.requests).toEqual([
      `/example/demo/raw/${COMMIT}/config/sample.yaml`,
      `/content/example/demo/raw/${COMMIT}/config/sample.yaml`,
    ]);

    const second = await resolveFixture(manifest.files[0]!, { manifest, places });
    expect(second.origin).toBe('cache');
    expect(upstream.requests).toHaveLength(2);
  });

  it('takes a fixture that exists only inside a README as its fenced code block', async () => {
    const manifest = manifestWith();
    const fixture = await resolveFixture(manifest.files[1]!, { manifest, places });
    expect(fixture.bytes.toString()).toBe('kind: Second\n');
  });

  it('prefers $SPINKUBE_UPSTREAM_FIXTURES, then ../shared, over any download', async () => {
    const manifest = manifestWith();
    const envDir = join(work, 'env');
    writeCopy(envDir, 'demo/sample.yaml', SAMPLE);
    writeCopy(places.sharedDir, 'demo/sample.yaml', SAMPLE);

    const fromEnv = await resolveFixture(manifest.files[0]!, { manifest, places: { ...places, envDir } });
    expect(fromEnv).toMatchObject({ origin: 'env', path: join(envDir, 'demo/sample.yaml') });
    const fromShared = await resolveFixture(manifest.files[0]!, { manifest, places });
    expect(fromShared).toMatchObject({ origin: 'shared', path: join(places.sharedDir, 'demo/sample.yaml') });
    expect(upstream.requests).toEqual([]);
  });

  it('refuses a download whose sha256 differs from the pin, and caches nothing', async () => {
    const manifest = manifestWith({ sample: 'f'.repeat(64) });
    const error = await resolveFixture(manifest.files[0]!, { manifest, places }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DevCacheError);
    expect((error as DevCacheError).code).toBe('ChecksumMismatch');
    expect((error as Error).message).toContain(
      `/example/demo/raw/${COMMIT}/config/sample.yaml is not the pinned upstream fixture demo/sample.yaml`,
    );
    expect((error as Error).message).toContain(`sha256 ${sha256Hex(SAMPLE)}, expected ${'f'.repeat(64)}`);
    expect((error as Error).message).toContain(
      `example/demo@${COMMIT}:config/sample.yaml, pinned in test-manifest.json`,
    );
    expect(existsSync(join(places.cacheDir, 'demo/sample.yaml'))).toBe(false);
  });

  it('refuses a local copy that differs from the pin instead of falling back to another place', async () => {
    const manifest = manifestWith();
    writeCopy(places.sharedDir, 'demo/sample.yaml', `${SAMPLE}# edited\n`);
    await expect(resolveFixture(manifest.files[0]!, { manifest, places })).rejects.toThrow(
      `${join(places.sharedDir, 'demo/sample.yaml')} is not the pinned upstream fixture demo/sample.yaml`,
    );
    expect(upstream.requests).toEqual([]);
  });

  it('fetches again when the cached copy no longer matches', async () => {
    const manifest = manifestWith();
    writeCopy(places.cacheDir, 'demo/sample.yaml', 'truncat');
    const fixture = await resolveFixture(manifest.files[0]!, { manifest, places });
    expect(fixture.origin).toBe('download');
    expect(readFileSync(join(places.cacheDir, 'demo/sample.yaml'), 'utf8')).toBe(SAMPLE);
  });

  it('says which fixture is missing and the three places it tried when none has it', async () => {
    const manifest = manifestWith();
    const unreachable = { ...places, envDir: join(work, 'nowhere'), downloadBase: `${upstream.url}/missing` };
    const error = await resolveFixture(manifest.files[0]!, { manifest, places: unreachable }).catch(
      (e: unknown) => e,
    );
    expect((error as DevCacheError).code).toBe('FixtureUnavailable');
    expect((error as Error).message).toBe(
      [
        'upstream fixture demo/sample.yaml is not available. Tried, in order:',
        `  1. $SPINKUBE_UPSTREAM_FIXTURES: ${join(work, 'nowhere', 'demo/sample.yaml')}: no such file`,
        `  2. ${join(places.sharedDir, 'demo/sample.yaml')}: no such file`,
        `  3. download: GET ${upstream.url}/missing/example/demo/raw/${COMMIT}/config/sample.yaml: HTTP 404 Not Found`,
        'Point SPINKUBE_UPSTREAM_FIXTURES at a copy of the fixtures directory (the layout of shared/fixtures/upstream/), ' +
          `or let the tests reach ${upstream.url}/missing.`,
      ].join('\n'),
    );
  });
});

describe('upstreamFixtures', () => {
  it('resolves every fixture below a directory and reads them by name', async () => {
    const manifest = manifestWith();
    const set = await upstreamFixtures('demo', { manifest, places });
    expect(set.names).toEqual(['sample.yaml', 'readme-second.yaml']);
    expect(set.text('sample.yaml')).toBe(SAMPLE);
    expect(set.path('readme-second.yaml')).toBe(join(places.cacheDir, 'demo/readme-second.yaml'));
    expect(() => set.text('other.yaml')).toThrow('demo/other.yaml is not in test-manifest.json');
  });

  it('refuses a directory the manifest does not list', async () => {
    await expect(upstreamFixtures('nothing', { manifest: manifestWith(), places })).rejects.toThrow(
      'test-manifest.json lists no upstream fixture below nothing/',
    );
  });
});
