import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { repositoryRoot } from '../generate/repository-root.js';
import { ALL_CRDS } from './definitions.js';
import { CRD_OUTPUT_DIR, generateCrdFiles } from './generate-crds.js';

const generated = generateCrdFiles();

describe('committed CRD YAML', () => {
  it.each(ALL_CRDS.map((crd) => crd.fileName))(
    '%s is what the types generate (else run `npx nx run api:generate`)',
    (file) => {
      const path = join(repositoryRoot(), CRD_OUTPUT_DIR, file);
      expect(existsSync(path), `${path} is missing`).toBe(true);
      expect(readFileSync(path, 'utf8')).toBe(generated.get(file));
    },
  );

  it('generates one file per CRD and nothing else', () => {
    expect([...generated.keys()].sort()).toEqual(ALL_CRDS.map((crd) => crd.fileName).sort());
  });

  it.each([...generated])('%s is safe as a Helm template (no template delimiters)', (_file, yaml) => {
    expect(yaml).not.toMatch(/\{\{|\}\}/);
  });

  it.each([...generated])('%s parses as one CustomResourceDefinition named plural.group', (_file, yaml) => {
    const crd = parse(yaml) as {
      kind: string;
      metadata: { name: string };
      spec: { group: string; names: { plural: string } };
    };
    expect(crd.kind).toBe('CustomResourceDefinition');
    expect(crd.metadata.name).toBe(`${crd.spec.names.plural}.${crd.spec.group}`);
  });
});
