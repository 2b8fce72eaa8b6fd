import { describe, expect, it } from 'vitest';
import {
  mutatingWebhookConfiguration,
  validatingWebhookConfiguration,
  type WebhookDefinition,
} from './webhook-configuration.js';

const spinApps: WebhookDefinition = {
  name: 'vspinapp.kb.io',
  path: '/validate-core-spinkube-dev-v1alpha1-spinapp',
  rules: [
    {
      apiGroups: ['core.spinkube.dev'],
      apiVersions: ['v1alpha1'],
      operations: ['CREATE', 'UPDATE'],
      resources: ['spinapps'],
    },
  ],
};

describe('webhook configurations', () => {
  it('builds a ValidatingWebhookConfiguration reaching the webhooks through a Service, without a caBundle', () => {
    expect(
      validatingWebhookConfiguration('spin-operator-validating-webhook-configuration', [spinApps], {
        service: { name: 'spin-operator-webhook-service', namespace: 'spin-operator' },
      }),
    ).toEqual({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'spin-operator-validating-webhook-configuration' },
      webhooks: [
        {
          name: 'vspinapp.kb.io',
          admissionReviewVersions: ['v1'],
          clientConfig: {
            service: {
              name: 'spin-operator-webhook-service',
              namespace: 'spin-operator',
              path: '/validate-core-spinkube-dev-v1alpha1-spinapp',
            },
          },
          failurePolicy: 'Fail',
          sideEffects: 'None',
          rules: spinApps.rules,
        },
      ],
    });
  });

  it('builds a MutatingWebhookConfiguration reaching a URL, with a caBundle, selectors and labels', () => {
    const configuration = mutatingWebhookConfiguration(
      'dev-mutating',
      [
        {
          ...spinApps,
          name: 'mspinapp.kb.io',
          path: '/mutate-core-spinkube-dev-v1alpha1-spinapp',
          namespaceSelector: { matchLabels: { team: 'a' } },
          timeoutSeconds: 5,
          reinvocationPolicy: 'IfNeeded',
          failurePolicy: 'Ignore',
        },
      ],
      { url: 'https://127.0.0.1:9443/' },
      { caBundlePem: '-----BEGIN CERTIFICATE-----\n', labels: { app: 'spin-operator' } },
    );
    expect(configuration.metadata).toEqual({ name: 'dev-mutating', labels: { app: 'spin-operator' } });
    expect(configuration.webhooks?.[0]).toEqual({
      name: 'mspinapp.kb.io',
      admissionReviewVersions: ['v1'],
      clientConfig: {
        url: 'https://127.0.0.1:9443/mutate-core-spinkube-dev-v1alpha1-spinapp',
        caBundle: Buffer.from('-----BEGIN CERTIFICATE-----\n').toString('base64'),
      },
      failurePolicy: 'Ignore',
      sideEffects: 'None',
      namespaceSelector: { matchLabels: { team: 'a' } },
      timeoutSeconds: 5,
      reinvocationPolicy: 'IfNeeded',
      rules: spinApps.rules,
    });
  });

  it('keeps a Service port when given, and refuses paths without a slash or reinvocation on validation', () => {
    const configuration = validatingWebhookConfiguration('v', [spinApps], {
      service: { name: 'svc', namespace: 'ns', port: 8443 },
    });
    expect(configuration.webhooks?.[0]?.clientConfig.service?.port).toBe(8443);
    expect(() =>
      validatingWebhookConfiguration('v', [{ ...spinApps, path: 'validate' }], { url: 'https://x' }),
    ).toThrow('path "validate" must start with "/"');
    expect(() =>
      validatingWebhookConfiguration('v', [{ ...spinApps, reinvocationPolicy: 'Never' }], {
        url: 'https://x',
      }),
    ).toThrow('reinvocationPolicy is for mutating webhooks only');
  });
});
