import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compareCrds, formatComparison, type CrdDocument } from './compare-crds.js';
import { generateCrdFiles } from './generate-crds.js';
import { repositoryRoot } from '../generate/repository-root.js';
import { upstreamFixtures } from '@spinkube/dev-cache';

const ours = generateCrdFiles();
const upstreamCrds = await upstreamFixtures('spin-operator-crds');
const load = (file: string) => parse(upstreamCrds.text(file)) as CrdDocument;

interface AllowedAdditions {
  /** Subresources upstream lacks, as `compareCrds` names them. */
  readonly subresources: readonly string[];
  /** Schema paths upstream lacks, with their exact facts: optional, so no existing object becomes invalid. */
  readonly schemaPaths: Readonly<Record<string, Record<string, unknown>>>;
}

/**
 * Everything our CRDs add to upstream's. Each entry is additive (a new optional field or a new
 * subresource; no upstream fact changes) and is documented in docs/compatibility.md.
 */
const ALLOWED_ADDITIONS: Readonly<Record<string, AllowedAdditions>> = {
  'core.spinkube.dev_spinapps.yaml': {
    subresources: ['spec.versions[v1alpha1].subresources.scale'],
    schemaPaths: {
      '.status.observedGeneration': { required: false, type: 'integer', format: 'int64' },
      '.status.replicas': { required: false, type: 'integer', format: 'int32' },
      '.status.selector': { required: false, type: 'string' },
    },
  },
  'core.spinkube.dev_spinappexecutors.yaml': { subresources: [], schemaPaths: {} },
};

describe.each([
  ['core.spinkube.dev_spinapps.yaml', 400],
  ['core.spinkube.dev_spinappexecutors.yaml', 20],
])('%s', (file, minimumFacts) => {
  const upstream = load(file);
  const generated = parse(ours.get(file) ?? '') as CrdDocument;
  const comparison = compareCrds(upstream, generated);
  const allowed = ALLOWED_ADDITIONS[file]!;
  // Paths only we have are additions; every other schema difference changes an upstream fact.
  const changed = comparison.schemaDifferences.filter((d) => d.upstream !== undefined);
  const added = comparison.schemaDifferences.filter((d) => d.upstream === undefined);

  it('matches every upstream fact: names, scope, printer columns, subresources and each schema path', () => {
    // The report lists each difference by path, so a failure says exactly what drifted.
    const report = formatComparison(file, { ...comparison, schemaDifferences: changed, additions: [] });
    expect(report).toBe(`${file}: ${comparison.factsCompared} facts compared`);
    expect(comparison.differences).toEqual([]);
    expect(changed).toEqual([]);
    expect(comparison.factsCompared).toBeGreaterThan(minimumFacts);
  });

  it('adds only the allowed, documented additions', () => {
    expect(comparison.additions).toEqual(allowed.subresources);
    expect(Object.fromEntries(added.map((d) => [d.path, d.ours]))).toEqual(allowed.schemaPaths);
  });
});

describe('the allowed additions', () => {
  const compatibility = readFileSync(join(repositoryRoot(), 'docs', 'compatibility.md'), 'utf8');

  it.each(Object.values(ALLOWED_ADDITIONS).flatMap((a) => Object.keys(a.schemaPaths)))(
    '%s is documented in docs/compatibility.md',
    (path) => {
      expect(compatibility).toContain(`\`${path.slice(1)}\``);
    },
  );

  it('documents the SpinApp scale subresource with its three paths', () => {
    const scale = generatedSpinApp().spec.versions[0]!.subresources!['scale'];
    expect(scale).toEqual({
      specReplicasPath: '.spec.replicas',
      statusReplicasPath: '.status.replicas',
      labelSelectorPath: '.status.selector',
    });
    expect(compatibility).toContain('`scale` subresource');
    for (const path of Object.values(scale as Record<string, string>)) expect(compatibility).toContain(path);
  });
});

function generatedSpinApp(): CrdDocument {
  return parse(ours.get('core.spinkube.dev_spinapps.yaml') ?? '') as CrdDocument;
}

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
