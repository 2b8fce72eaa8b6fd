import { describe, expect, it } from 'vitest';
import { loadFixtureManifest, MANIFEST_FILE, parseFixtureManifest } from './manifest.js';

const valid = {
  sources: { demo: { repository: 'example/demo', tag: 'v1.0.0', commit: 'abcdef1234' } },
  files: [{ path: 'demo/a.yaml', source: 'demo', upstreamPath: 'config/a.yaml', sha256: 'a'.repeat(64) }],
};

describe('the fixture manifest', () => {
  it('ships with every file pinned to a source, a commit and a sha256', () => {
    const manifest = loadFixtureManifest();
    expect(manifest.file).toBe(MANIFEST_FILE);
    expect(manifest.files.length).toBeGreaterThan(20);
    for (const file of manifest.files)
      expect(manifest.sources[file.source]?.commit).toMatch(/^[0-9a-f]{7,40}$/);
  });

  it('accepts a well-formed manifest', () => {
    expect(parseFixtureManifest(valid, 'm.json').files[0]?.upstreamPath).toBe('config/a.yaml');
  });

  it.each([
    [{ ...valid, files: 'x' }, 'm.json: files: expected an array'],
    [
      { ...valid, sources: { demo: { ...valid.sources.demo, commit: 'main' } } },
      'm.json: sources.demo.commit: expected a commit hash',
    ],
    [
      { ...valid, files: [{ ...valid.files[0], sha256: 'abc' }] },
      'm.json: files[0].sha256: expected 64 lowercase hex digits',
    ],
    [
      { ...valid, files: [{ ...valid.files[0], source: 'other' }] },
      'm.json: files[0].source: no source named other',
    ],
    [
      { ...valid, files: [{ ...valid.files[0], path: '../escape.yaml' }] },
      'm.json: files[0].path: expected a relative path',
    ],
    [
      { ...valid, files: [valid.files[0], valid.files[0]] },
      'm.json: files[1].path: demo/a.yaml is listed twice',
    ],
    [
      { ...valid, files: [{ ...valid.files[0], extract: { codeBlock: 'yaml', index: -1 } }] },
      'm.json: files[0].extract.index: expected a whole number ≥ 0',
    ],
  ])('names the field that is wrong (%#)', (data, message) => {
    expect(() => parseFixtureManifest(data, 'm.json')).toThrow(message);
  });
});
