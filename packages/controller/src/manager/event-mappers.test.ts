import { describe, expect, it } from 'vitest';
import { controllerOwnerKey, selfKey } from './event-mappers.js';

const spinApp = { apiVersion: 'core.spinkube.dev/v1alpha1', kind: 'SpinApp', plural: 'spinapps' };

describe('event mappers', () => {
  it('maps an object to its own key', () => {
    expect([...selfKey({ metadata: { namespace: 'ns', name: 'a' } })]).toEqual(['ns/a']);
  });

  it('maps a child to the owner named by its controller reference only', () => {
    const map = controllerOwnerKey(spinApp);
    const child = (controller: boolean, apiVersion = 'core.spinkube.dev/v1alpha1', kind = 'SpinApp') => ({
      metadata: {
        namespace: 'ns',
        name: 'child',
        ownerReferences: [{ apiVersion, kind, name: 'app', uid: 'u', controller }],
      },
    });
    expect([...map(child(true))]).toEqual(['ns/app']);
    expect([...map(child(true, 'core.spinkube.dev/v1beta1'))]).toEqual(['ns/app']);
    expect([...map(child(false))]).toEqual([]);
    expect([...map(child(true, 'apps/v1', 'Deployment'))]).toEqual([]);
    expect([...map(child(true, 'other.dev/v1alpha1'))]).toEqual([]);
  });
});
