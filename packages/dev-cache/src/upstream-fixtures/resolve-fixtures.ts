/**
 * Finds each upstream fixture a test asks for: in `$SPINKUBE_UPSTREAM_FIXTURES`, else in
 * `../shared/fixtures/upstream/`, else in the cache, downloaded there from the pinned upstream commit.
 * Whatever the place, the bytes must have the manifest's sha256: a copy that differs is refused, not used.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { downloadBytes } from '../download.js';
import { DevCacheError } from '../errors.js';
import { sha256Hex } from '../sha256.js';
import { defaultFixturePlaces, FIXTURES_ENV, type FixturePlaces } from './fixture-places.js';
import {
  loadFixtureManifest,
  type FixtureFile,
  type FixtureManifest,
  type FixtureSource,
} from './manifest.js';
import { extractCodeBlock } from './markdown-code-block.js';

export type FixtureOrigin = 'env' | 'shared' | 'cache' | 'download';

export interface ResolvedFixture {
  readonly file: FixtureFile;
  /** Absolute path of a copy with the pinned bytes. */
  readonly path: string;
  readonly origin: FixtureOrigin;
  readonly bytes: Buffer;
}

export interface ResolveOptions {
  readonly manifest?: FixtureManifest;
  readonly places?: FixturePlaces;
}

/** The upstream URL a fixture is downloaded from. */
export function fixtureUrl(manifest: FixtureManifest, file: FixtureFile, base: string): string {
  const source = sourceOf(manifest, file);
  return `${base}/${source.repository}/raw/${source.commit}/${file.upstreamPath}`;
}

export async function resolveFixture(
  file: FixtureFile,
  options: ResolveOptions = {},
): Promise<ResolvedFixture> {
  const manifest = options.manifest ?? loadFixtureManifest();
  const places = options.places ?? defaultFixturePlaces();
  const tried: string[] = [];
  for (const [origin, dir] of [
    ['env', places.envDir],
    ['shared', places.sharedDir],
  ] as const) {
    if (dir === undefined) {
      tried.push(`$${FIXTURES_ENV}: not set`);
      continue;
    }
    const path = join(dir, file.path);
    if (!existsSync(path)) {
      tried.push(`${origin === 'env' ? `$${FIXTURES_ENV}: ` : ''}${path}: no such file`);
      continue;
    }
    const bytes = readFileSync(path);
    checkSha256(manifest, file, bytes, path);
    return { file, path, origin, bytes };
  }

  const cached = join(places.cacheDir, file.path);
  if (existsSync(cached)) {
    const bytes = readFileSync(cached);
    // A cached copy that no longer matches (a pin moved, a partial write) is simply fetched again.
    if (sha256Hex(bytes) === file.sha256) return { file, path: cached, origin: 'cache', bytes };
  }
  const url = fixtureUrl(manifest, file, places.downloadBase);
  let bytes: Buffer;
  try {
    bytes = await fetchFixture(file, url);
  } catch (error) {
    if (error instanceof DevCacheError && error.code === 'ChecksumMismatch') throw error;
    tried.push(`download: ${error instanceof Error ? error.message : String(error)}`);
    throw new DevCacheError(
      'FixtureUnavailable',
      `upstream fixture ${file.path} is not available. Tried, in order:\n${tried.map((t, i) => `  ${String(i + 1)}. ${t}`).join('\n')}\n` +
        `Point ${FIXTURES_ENV} at a copy of the fixtures directory (the layout of shared/fixtures/upstream/), ` +
        `or let the tests reach ${places.downloadBase}.`,
      { cause: error },
    );
  }
  checkSha256(manifest, file, bytes, url);
  mkdirSync(dirname(cached), { recursive: true });
  const partial = `${cached}.partial-${String(process.pid)}`;
  writeFileSync(partial, bytes);
  renameSync(partial, cached);
  return { file, path: cached, origin: 'download', bytes };
}

async function fetchFixture(file: FixtureFile, url: string): Promise<Buffer> {
  const bytes = await downloadBytes(url);
  if (!file.extract) return bytes;
  const block = extractCodeBlock(bytes.toString('utf8'), file.extract.codeBlock, file.extract.index);
  if (block === undefined) {
    throw new DevCacheError(
      'DownloadFailed',
      `${url} has no code block ${String(file.extract.index)} (0-based) in \`\`\`${file.extract.codeBlock}`,
    );
  }
  return Buffer.from(block, 'utf8');
}

function checkSha256(manifest: FixtureManifest, file: FixtureFile, bytes: Buffer, where: string): void {
  const actual = sha256Hex(bytes);
  if (actual === file.sha256) return;
  const source = sourceOf(manifest, file);
  throw new DevCacheError(
    'ChecksumMismatch',
    `${where} is not the pinned upstream fixture ${file.path}: sha256 ${actual}, expected ${file.sha256} ` +
      `(${source.repository}@${source.commit}:${file.upstreamPath}, pinned in ${manifest.file}); refused`,
  );
}

/** The manifest's parser has checked that every file names a source it lists. */
function sourceOf(manifest: FixtureManifest, file: FixtureFile): FixtureSource {
  const source = manifest.sources[file.source];
  if (!source)
    throw new DevCacheError('ManifestInvalid', `${manifest.file}: ${file.path} names no listed source`);
  return source;
}
