import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ShimResource, SpinAppResource } from '../resources.js';
import { isNotFound, resourcePath } from './resource-client.js';

describe('resourcePath', () => {
  it('puts namespaced kinds under their namespace', () => {
    expect(resourcePath(SpinAppResource, 'team-a')).toBe(
      '/apis/core.spinkube.dev/v1alpha1/namespaces/team-a/spinapps',
    );
  });

  it('lists namespaced kinds across all namespaces without one', () => {
    expect(resourcePath(SpinAppResource)).toBe('/apis/core.spinkube.dev/v1alpha1/spinapps');
  });

  it('never puts cluster-scoped kinds under a namespace', () => {
    expect(resourcePath(ShimResource, 'ignored')).toBe('/apis/runtime.spinkube.dev/v1alpha1/shims');
  });
});

describe('isNotFound', () => {
  it('is true only for the API server 404', () => {
    expect(isNotFound(new ApiException(404, 'not found', {}, {}))).toBe(true);
    expect(isNotFound(new ApiException(409, 'conflict', {}, {}))).toBe(false);
    expect(isNotFound(new Error('404'))).toBe(false);
  });
});
