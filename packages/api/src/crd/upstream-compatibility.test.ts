import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compareCrds, formatComparison, type CrdDocument } from './compare-crds.js';
import { generateCrdFiles } from './generate-crds.js';
import { upstreamFixture } from '../../test/fixtures.js';

const ours = generateCrdFiles();
const load = (file: string) =>
  parse(readFileSync(upstreamFixture('spin-operator-crds', file), 'utf8')) as CrdDocument;

describe.each([
  ['core.spinkube.dev_spinapps.yaml', 400],
  ['core.spinkube.dev_spinappexecutors.yaml', 20],
])('%s', (file, minimumFacts) => {
  const upstream = load(file);
  const generated = parse(ours.get(file) ?? '') as CrdDocument;
  const comparison = compareCrds(upstream, generated);

  it('matches every upstream fact: names, scope, printer columns, subresources and each schema path', () => {
    // The report lists each difference by path, so a failure says exactly what drifted.
    expect(formatComparison(file, comparison)).toBe(`${file}: ${comparison.factsCompared} facts compared`);
    expect(comparison.differences).toEqual([]);
    expect(comparison.schemaDifferences).toEqual([]);
    expect(comparison.factsCompared).toBeGreaterThan(minimumFacts);
  });

  it('adds nothing upstream lacks', () => {
    expect(comparison.additions).toEqual([]);
  });
});

describe('the comparison itself', () => {
  const upstream = load('core.spinkube.dev_spinapps.yaml');

  it('reports a changed default, a dropped required field and a changed printer column by path', () => {
    const changed = structuredClone(upstream);
    const version = changed.spec.versions[0]!;
    const spec = version.schema.openAPIV3Schema.properties!['spec']!;
    spec.properties!['enableAutoscaling']!.default = true;
    spec.required = ['image'];
    version.additionalPrinterColumns = [];
    const comparison = compareCrds(upstream, changed);
    expect(comparison.schemaDifferences.map((d) => d.path)).toEqual([
      '.spec.enableAutoscaling',
      '.spec.executor',
    ]);
    expect(comparison.differences).toHaveLength(1);
    expect(comparison.differences[0]).toMatch(/^spec\.versions\[v1alpha1\]\.additionalPrinterColumns: /);
  });

  it('reports a property missing deep inside the inlined core/v1 Volume schema', () => {
    const changed = structuredClone(upstream);
    const volume =
      changed.spec.versions[0]!.schema.openAPIV3Schema.properties!['spec']!.properties!['volumes']!.items!;
    delete volume.properties!['csi']!.properties!['driver'];
    const paths = compareCrds(upstream, changed).schemaDifferences.map((d) => d.path);
    expect(paths).toEqual(['.spec.volumes[].csi.driver']);
  });

  it('counts an extra subresource as an addition, not a difference', () => {
    const changed = structuredClone(upstream);
    changed.spec.versions[0]!.subresources = { status: {}, scale: { specReplicasPath: '.spec.replicas' } };
    const comparison = compareCrds(upstream, changed);
    expect(comparison.differences).toEqual([]);
    expect(comparison.additions).toEqual(['spec.versions[v1alpha1].subresources.scale']);
  });
});

it('keeps the upstream fixture directory where the tests expect it', () => {
  expect(
    readFileSync(join(upstreamFixture('spin-operator-crds'), 'core.spinkube.dev_spinapps.yaml'), 'utf8'),
  ).toContain('spinapps.core.spinkube.dev');
});
