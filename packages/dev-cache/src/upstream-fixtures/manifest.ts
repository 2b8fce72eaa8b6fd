/** The manifest of upstream fixtures (`upstream-fixtures.json` at the package root): what, from where, which bytes. */
import { readFileSync } from 'node:fs';
import { DevCacheError } from '../errors.js';

export interface FixtureSource {
  /** `owner/name` on GitHub. */
  readonly repository: string;
  /** The release tag the commit is, or null when it is in no release yet (`describe` says where it sits). */
  readonly tag: string | null;
  readonly describe?: string;
  /** The commit the files were read at (full or abbreviated). */
  readonly commit: string;
}

export interface FixtureFile {
  /** Path below the fixtures directory, e.g. `spin-operator-samples/simple.yaml`. */
  readonly path: string;
  /** Key into `sources`. */
  readonly source: string;
  /** Path of the file in the upstream repository at `commit`. */
  readonly upstreamPath: string;
  /** When the fixture is one fenced code block of a Markdown file: its language and 0-based index. */
  readonly extract?: { readonly codeBlock: string; readonly index: number };
  readonly sha256: string;
}

export interface FixtureManifest {
  /** Where the manifest was read from, for messages. */
  readonly file: string;
  readonly sources: Readonly<Record<string, FixtureSource>>;
  readonly files: readonly FixtureFile[];
}

/** The manifest this package ships (`packages/dev-cache/upstream-fixtures.json`). */
export const MANIFEST_FILE = new URL('../../upstream-fixtures.json', import.meta.url).pathname;

export function loadFixtureManifest(file: string = MANIFEST_FILE): FixtureManifest {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DevCacheError(
      'ManifestInvalid',
      `${file}: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
  return parseFixtureManifest(data, file);
}

/** Checks the manifest's shape, naming the field path of the first thing wrong. */
export function parseFixtureManifest(data: unknown, file: string): FixtureManifest {
  const fail = (path: string, what: string): never => {
    throw new DevCacheError('ManifestInvalid', `${file}: ${path}: ${what}`);
  };
  const record = (value: unknown, path: string): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : fail(path, 'expected an object');
  const text = (value: unknown, path: string, pattern?: RegExp, what?: string): string =>
    typeof value === 'string' && value !== '' && (!pattern || pattern.test(value))
      ? value
      : fail(path, what ?? 'expected a non-empty string');

  const root = record(data, '(root)');
  const sources: Record<string, FixtureSource> = {};
  for (const [key, value] of Object.entries(record(root['sources'], 'sources'))) {
    const source = record(value, `sources.${key}`);
    const tag = source['tag'];
    if (tag !== null && typeof tag !== 'string') fail(`sources.${key}.tag`, 'expected a string or null');
    sources[key] = {
      repository: text(
        source['repository'],
        `sources.${key}.repository`,
        /^[\w.-]+\/[\w.-]+$/,
        'expected owner/name',
      ),
      tag: tag as string | null,
      ...(typeof source['describe'] === 'string' ? { describe: source['describe'] } : {}),
      commit: text(source['commit'], `sources.${key}.commit`, /^[0-9a-f]{7,40}$/, 'expected a commit hash'),
    };
  }
  if (!Array.isArray(root['files'])) fail('files', 'expected an array');
  const seen = new Set<string>();
  const files = (root['files'] as unknown[]).map((value, i): FixtureFile => {
    const at = `files[${String(i)}]`;
    const entry = record(value, at);
    const path = text(
      entry['path'],
      `${at}.path`,
      /^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$)).+$/,
      'expected a relative path',
    );
    if (seen.has(path)) fail(`${at}.path`, `${path} is listed twice`);
    seen.add(path);
    const source = text(entry['source'], `${at}.source`);
    if (!(source in sources)) fail(`${at}.source`, `no source named ${source}`);
    const extract = entry['extract'];
    let parsedExtract: FixtureFile['extract'];
    if (extract !== undefined) {
      const block = record(extract, `${at}.extract`);
      const index = block['index'];
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) {
        fail(`${at}.extract.index`, 'expected a whole number ≥ 0');
      }
      parsedExtract = {
        codeBlock: text(block['codeBlock'], `${at}.extract.codeBlock`),
        index: index as number,
      };
    }
    return {
      path,
      source,
      upstreamPath: text(entry['upstreamPath'], `${at}.upstreamPath`),
      ...(parsedExtract ? { extract: parsedExtract } : {}),
      sha256: text(entry['sha256'], `${at}.sha256`, /^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits'),
    };
  });
  return { file, sources, files };
}
