import { describe, expect, it } from 'vitest';
import { SpinKubeApiError } from '../errors.js';
import { QUANTITY_PATTERN } from '../schema/builders.js';
import type { OpenApiDocument } from './kubernetes-openapi.js';
import { structuralKubernetesSchema } from './kubernetes-schema-transform.js';

const ref = (name: string) => ({ allOf: [{ $ref: `#/components/schemas/${name}` }], default: {} });

const document: OpenApiDocument = {
  components: {
    schemas: {
      'test.Port': {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string', default: '' },
          protocol: { type: 'string', enum: ['TCP', 'UDP'], default: 'TCP' },
          target: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.util.intstr.IntOrString' },
          size: { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.api.resource.Quantity' },
          tags: { type: 'array', items: { type: 'string', default: '' }, 'x-kubernetes-list-type': 'atomic' },
          labels: { type: 'object', additionalProperties: { type: 'string', default: '' } },
          owner: { ...ref('test.Reference'), description: 'who owns it' },
          meta: ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'),
        },
        'x-kubernetes-patch-strategy': 'merge',
      },
      'test.Reference': {
        type: 'object',
        description: 'a reference',
        properties: { name: { type: 'string', default: '' } },
        'x-kubernetes-map-type': 'atomic',
      },
      'test.Loop': { type: 'object', properties: { next: ref('test.Loop') } },
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
        type: 'object',
        properties: { name: { type: 'string' } },
      },
    },
  },
};

describe('structuralKubernetesSchema', () => {
  const port = structuralKubernetesSchema(document, 'test.Port');

  it('inlines references, keeping the referencing field description and the type markers', () => {
    expect(port.properties?.['owner']).toEqual({
      type: 'object',
      description: 'who owns it',
      properties: { name: { type: 'string', default: '' } },
      'x-kubernetes-map-type': 'atomic',
    });
  });

  it('writes IntOrString and Quantity the way CRDs spell them', () => {
    expect(port.properties?.['target']).toEqual({
      anyOf: [{ type: 'integer' }, { type: 'string' }],
      'x-kubernetes-int-or-string': true,
    });
    expect(port.properties?.['size']).toEqual({
      anyOf: [{ type: 'integer' }, { type: 'string' }],
      pattern: QUANTITY_PATTERN,
      'x-kubernetes-int-or-string': true,
    });
  });

  it('drops enums and patch-strategy hints but keeps list and map markers', () => {
    expect(port.properties?.['protocol']).toEqual({ type: 'string', default: 'TCP' });
    expect(port['x-kubernetes-patch-strategy']).toBeUndefined();
    expect(port.properties?.['tags']?.['x-kubernetes-list-type']).toBe('atomic');
  });

  it('drops zero-value defaults on required fields, list items and map values, keeps them on optional fields', () => {
    expect(port.properties?.['name']).toEqual({ type: 'string' });
    expect(port.properties?.['tags']?.items).toEqual({ type: 'string' });
    expect(port.properties?.['labels']?.additionalProperties).toEqual({ type: 'string' });
    expect(port.properties?.['owner']?.properties?.['name']?.default).toBe('');
  });

  it('reduces an embedded ObjectMeta to type: object', () => {
    expect(port.properties?.['meta']).toEqual({ type: 'object' });
  });

  it('refuses a recursive type with the chain that loops', () => {
    expect(() => structuralKubernetesSchema(document, 'test.Loop')).toThrow(/test\.Loop → test\.Loop/);
  });

  it('names a schema the document lacks', () => {
    expect(() => structuralKubernetesSchema(document, 'test.Missing')).toThrow(SpinKubeApiError);
    expect(() => structuralKubernetesSchema(document, 'test.Missing')).toThrow(/no schema test\.Missing/);
  });
});
