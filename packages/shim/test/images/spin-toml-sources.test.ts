import { describe, expect, it } from 'vitest';
import { rewriteComponentSources } from './spin-toml-sources.ts';

const MANIFEST = `spin_manifest_version = 2

[application]
name = "hello" # a comment stays

[component.hello]
source = "../dist/hello.wasm"
files = [{ source = "static", destination = "/" }]

[component.other]
source = '../dist/other.wasm'
`;

describe('rewriteComponentSources', () => {
  it('rewrites each component source, in either quote style, and leaves the rest as written', () => {
    const rewritten = rewriteComponentSources(
      MANIFEST,
      new Map([
        ['../dist/hello.wasm', 'hello.wasm'],
        ['../dist/other.wasm', 'other.wasm'],
      ]),
      'spin.toml',
    );
    expect(rewritten).toBe(
      MANIFEST.replace('"../dist/hello.wasm"', '"hello.wasm"').replace(
        "'../dist/other.wasm'",
        "'other.wasm'",
      ),
    );
    expect(rewritten).toContain('files = [{ source = "static", destination = "/" }]');
  });

  it('fails, naming the manifest, when a source is not written as expected', () => {
    expect(() =>
      rewriteComponentSources(MANIFEST, new Map([['../dist/missing.wasm', 'x.wasm']]), 'app/spin.toml'),
    ).toThrow('app/spin.toml: no `source = "../dist/missing.wasm"` to rewrite');
  });
});
