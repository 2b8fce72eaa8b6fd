import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultCaBundle, renderCaSecret } from './ca-secret.js';

describe('the default CA bundle Secret', () => {
  it('holds a PEM bundle of Mozilla roots that parse as certificates', () => {
    const bundle = defaultCaBundle();
    const pems = bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    expect(pems.length).toBeGreaterThan(100);
    for (const pem of pems) expect(new X509Certificate(pem).ca).toBe(true);
    expect(bundle.endsWith('-----END CERTIFICATE-----\n')).toBe(true);
  });

  it('is annotated as managed by the operator and has no owner', () => {
    const secret = renderCaSecret('spin-ca', 'apps');
    expect(secret.metadata).toEqual({
      name: 'spin-ca',
      namespace: 'apps',
      annotations: { 'app.kubernetes.io/managed-by': 'spin-operator.spinkube.dev' },
    });
    expect(Object.keys(secret.stringData ?? {})).toEqual(['ca-certificates.crt']);
  });
});
