import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { JsonSchema } from './json-schema.js';
import { generateCrdFiles } from './generate-crds.js';
import type { CustomResourceDefinition } from './build-crd.js';

const crd = parse(
  generateCrdFiles().get('runtime.spinkube.dev_shims.yaml') ?? '',
) as CustomResourceDefinition;
const version = crd.spec.versions[0]!;
const schema = version.schema.openAPIV3Schema;
const at = (path: string): JsonSchema =>
  path
    .split('.')
    .reduce<JsonSchema>((node, key) => (key === '[]' ? node.items! : node.properties![key]!), schema);

describe('Shim CRD (runtime-class-manager contract)', () => {
  it('is the cluster-scoped shims.runtime.spinkube.dev, v1alpha1', () => {
    expect(crd.metadata.name).toBe('shims.runtime.spinkube.dev');
    expect(crd.spec.scope).toBe('Cluster');
    expect(crd.spec.names).toEqual({ kind: 'Shim', listKind: 'ShimList', plural: 'shims', singular: 'shim' });
    expect(version.name).toBe('v1alpha1');
  });

  it('prints RuntimeClass, Ready and Nodes', () => {
    expect(version.additionalPrinterColumns).toEqual([
      { name: 'RuntimeClass', type: 'string', jsonPath: '.spec.runtimeClass.name' },
      { name: 'Ready', type: 'integer', jsonPath: '.status.nodesReady' },
      { name: 'Nodes', type: 'integer', jsonPath: '.status.nodes' },
    ]);
  });

  it('requires fetchStrategy, runtimeClass and rolloutStrategy, and name and handler', () => {
    expect(at('spec').required).toEqual(['fetchStrategy', 'rolloutStrategy', 'runtimeClass']);
    expect(at('spec.runtimeClass').required).toEqual(['handler', 'name']);
    expect(at('status').required).toEqual(['nodes', 'nodesReady']);
  });

  it('restricts platform os and arch and the rollout type to upstream enums', () => {
    expect(at('spec.fetchStrategy.platforms.[]').required).toEqual(['arch', 'location', 'os']);
    expect(at('spec.fetchStrategy.platforms.[].os').enum).toEqual(['linux']);
    expect(at('spec.fetchStrategy.platforms.[].arch').enum).toEqual(['amd64', 'arm64', 'x86_64', 'aarch64']);
    expect(at('spec.rolloutStrategy.type').enum).toEqual(['rolling', 'recreate']);
    expect(at('spec.rolloutStrategy.rolling').required).toEqual(['maxUpdate']);
    expect(at('spec.fetchStrategy.anonHttp').required).toEqual(['location']);
  });

  it('keeps nodeSelector and containerdRuntimeOptions as string maps', () => {
    expect(at('spec.nodeSelector').additionalProperties).toEqual({ type: 'string' });
    expect(at('spec.containerdRuntimeOptions').additionalProperties).toEqual({ type: 'string' });
  });

  it('adds a status subresource (upstream has none; documented improvement)', () => {
    expect(version.subresources).toEqual({ status: {} });
  });
});
