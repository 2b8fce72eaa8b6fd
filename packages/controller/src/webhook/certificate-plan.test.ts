import { createPrivateKey, X509Certificate } from 'node:crypto';
import { createCertificateAuthority, issueCertificate, type CertificateAuthority } from '@spinkube/pki';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueCertificates, type IssueOptions } from './certificate-issuer.js';
import {
  caBundleWith,
  planCertificates,
  splitPemCertificates,
  type CertificateRequirements,
  type StoredCertificates,
} from './certificate-plan.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const NAMES = ['webhook.ops.svc', 'webhook.ops.svc.cluster.local'];
const REQUIRED: CertificateRequirements = {
  dnsNames: NAMES,
  ipAddresses: [],
  renewBeforeMs: 30 * DAY_MS,
  servingValidityMs: 365 * DAY_MS,
};
const ISSUE: IssueOptions = { ...REQUIRED, caCommonName: 'webhook-ca.test', caValidityMs: 3650 * DAY_MS };

let ca: CertificateAuthority;
let stored: Required<StoredCertificates>;
beforeAll(async () => {
  ca = await createCertificateAuthority('webhook-ca', 3650);
  stored = await storedWith(ca, { dnsNames: NAMES, validDays: 365 });
});

async function storedWith(
  authority: CertificateAuthority,
  serving: { dnsNames?: string[]; ipAddresses?: string[]; validDays: number },
): Promise<Required<StoredCertificates>> {
  const cert = await issueCertificate(authority, { commonName: 'webhook', usage: 'server', ...serving });
  return {
    caBundlePem: authority.certPem,
    caKeyPem: authority.keyPem,
    servingCertPem: cert.certPem,
    servingKeyPem: cert.keyPem,
  };
}

const at = (days: number) => new Date(Date.now() + days * DAY_MS);
const notAfter = (pem: string) => new X509Certificate(pem).validToDate.getTime();

describe('planCertificates', () => {
  it('reuses a valid CA and serving certificate, renewing 30 days before the serving certificate expires', () => {
    const plan = planCertificates(stored, REQUIRED, new Date());
    expect(plan.action).toBe('reuse');
    expect(plan.action === 'reuse' && plan.renewAt.getTime()).toBe(
      notAfter(stored.servingCertPem) - 30 * DAY_MS,
    );
  });

  it('issues everything when the Secret is empty or its CA is unusable', async () => {
    expect(planCertificates({}, REQUIRED, new Date())).toEqual({
      action: 'issue-all',
      reason: 'there is no CA yet',
    });
    const other = await createCertificateAuthority('other');
    expect(planCertificates({ ...stored, caKeyPem: other.keyPem }, REQUIRED, new Date())).toEqual({
      action: 'issue-all',
      reason: 'ca.key is not the key of ca.crt',
    });
    expect(
      planCertificates({ ...stored, caBundlePem: stored.servingCertPem }, REQUIRED, new Date()),
    ).toMatchObject({ action: 'issue-all' });
    expect(planCertificates({ ...stored, caBundlePem: 'garbage' }, REQUIRED, new Date())).toEqual({
      action: 'issue-all',
      reason: 'ca.crt holds no certificate',
    });
  });

  it('rotates the CA once it can no longer sign a full serving certificate plus the margin', async () => {
    // A serving certificate issued late in the CA's life, so that only the CA is due.
    const late = await storedWith(ca, { dnsNames: NAMES, validDays: 3650 - 10 });
    expect(planCertificates(late, REQUIRED, at(3650 - 30 - 365 - 1))).toMatchObject({ action: 'reuse' });
    expect(planCertificates(late, REQUIRED, at(3650 - 30 - 365 + 1))).toEqual({
      action: 'rotate-ca',
      reason: expect.stringContaining('the CA expires at') as string,
    });
  });

  it('issues a serving certificate when it is due, lacks a name or IP, or is from another CA', async () => {
    expect(planCertificates(stored, REQUIRED, at(336))).toMatchObject({
      action: 'issue-serving',
      reason: expect.stringContaining('the serving certificate expires at') as string,
    });
    expect(
      planCertificates(stored, { ...REQUIRED, dnsNames: [...NAMES, 'webhook.other.svc'] }, new Date()),
    ).toEqual({
      action: 'issue-serving',
      reason: 'the serving certificate does not cover DNS name webhook.other.svc',
    });
    expect(planCertificates(stored, { ...REQUIRED, ipAddresses: ['127.0.0.1'] }, new Date())).toEqual({
      action: 'issue-serving',
      reason: 'the serving certificate does not cover IP address 127.0.0.1',
    });
    const foreign = await storedWith(await createCertificateAuthority('other'), {
      dnsNames: NAMES,
      validDays: 365,
    });
    expect(
      planCertificates(
        { ...stored, servingCertPem: foreign.servingCertPem, servingKeyPem: foreign.servingKeyPem },
        REQUIRED,
        new Date(),
      ),
    ).toEqual({
      action: 'issue-serving',
      reason: 'the serving certificate was not signed by a CA in ca.crt',
    });
    expect(
      planCertificates({ ...stored, servingKeyPem: foreign.servingKeyPem }, REQUIRED, new Date()),
    ).toEqual({ action: 'issue-serving', reason: 'tls.key is not the key of tls.crt' });
    expect(planCertificates({ ...stored, servingCertPem: undefined }, REQUIRED, new Date())).toEqual({
      action: 'issue-serving',
      reason: 'there is no serving certificate yet',
    });
  });

  it('matches DNS names exactly: a wildcard does not stand in for a service name', async () => {
    const wildcard = await storedWith(ca, { dnsNames: ['*.ops.svc', NAMES[1]!], validDays: 365 });
    expect(planCertificates(wildcard, REQUIRED, new Date())).toMatchObject({ action: 'issue-serving' });
  });
});

describe('caBundleWith', () => {
  it('puts the current CA first and keeps earlier ones only while they are valid, once each', async () => {
    const next = await createCertificateAuthority('next', 3650);
    const bundle = caBundleWith(next.certPem, `${ca.certPem}${next.certPem}`, new Date());
    expect(splitPemCertificates(bundle).map((pem) => new X509Certificate(pem).subject)).toEqual([
      'CN=next',
      'CN=webhook-ca',
    ]);
    expect(splitPemCertificates(caBundleWith(next.certPem, ca.certPem, at(3651)))).toHaveLength(1);
  });
});

describe('issueCertificates', () => {
  it('issues a CA and a serving certificate for every name when the Secret is empty', async () => {
    const issued = await issueCertificates(
      { action: 'issue-all', reason: 'there is no CA yet' },
      {},
      { ...ISSUE, ipAddresses: ['127.0.0.1'] },
      new Date(),
    );
    const caCert = new X509Certificate(issued.caBundlePem);
    const serving = new X509Certificate(issued.servingCertPem);
    expect(caCert.subject).toBe('CN=webhook-ca.test');
    expect(caCert.ca).toBe(true);
    expect(serving.checkIssued(caCert)).toBe(true);
    expect(serving.subjectAltName).toBe(
      'DNS:webhook.ops.svc, DNS:webhook.ops.svc.cluster.local, IP Address:127.0.0.1',
    );
    expect(serving.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(notAfter(issued.servingCertPem) - Date.now()).toBeGreaterThan(364 * DAY_MS);
    expect(notAfter(issued.caBundlePem) - Date.now()).toBeGreaterThan(3649 * DAY_MS);
    expect(planCertificates(issued, { ...REQUIRED, ipAddresses: ['127.0.0.1'] }, new Date())).toMatchObject({
      action: 'reuse',
    });
  });

  it('renews the serving certificate with the stored CA, leaving the CA bundle as it was', async () => {
    const issued = await issueCertificates(
      { action: 'issue-serving', reason: 'due' },
      stored,
      ISSUE,
      new Date(),
    );
    expect(issued.caBundlePem).toBe(stored.caBundlePem);
    expect(issued.caKeyPem).toBe(stored.caKeyPem);
    expect(issued.servingCertPem).not.toBe(stored.servingCertPem);
    expect(new X509Certificate(issued.servingCertPem).checkIssued(new X509Certificate(ca.certPem))).toBe(
      true,
    );
  });

  it('rotates the CA in two steps: trusted at once, signing from the serving renewal after', async () => {
    const rotated = await issueCertificates(
      { action: 'rotate-ca', reason: 'due' },
      stored,
      ISSUE,
      new Date(),
    );
    const [next, previous, ...more] = splitPemCertificates(rotated.caBundlePem);
    expect(more).toEqual([]);
    expect(previous?.trim()).toBe(ca.certPem.trim());
    expect(new X509Certificate(next!).checkPrivateKey(createPrivateKey(rotated.caKeyPem))).toBe(true);
    // The outgoing CA signs this one, so apiservers that have not seen the new bundle yet still trust it.
    expect(rotated.servingCertPem).not.toBe(stored.servingCertPem);
    expect(new X509Certificate(rotated.servingCertPem).checkIssued(new X509Certificate(ca.certPem))).toBe(
      true,
    );
    expect(planCertificates(rotated, REQUIRED, new Date())).toMatchObject({ action: 'reuse' });

    // The next serving renewal comes from the new CA; the old one stays trusted while valid.
    const renewed = await issueCertificates(
      { action: 'issue-serving', reason: 'due' },
      rotated,
      ISSUE,
      new Date(),
    );
    expect(renewed.caBundlePem).toBe(rotated.caBundlePem);
    expect(new X509Certificate(renewed.servingCertPem).checkIssued(new X509Certificate(next!))).toBe(true);
  });

  it('never issues a serving certificate that outlives its CA', async () => {
    const shortCa = await createCertificateAuthority('short', 100);
    const issued = await issueCertificates(
      { action: 'issue-serving', reason: 'due' },
      { caBundlePem: shortCa.certPem, caKeyPem: shortCa.keyPem },
      ISSUE,
      new Date(),
    );
    expect(notAfter(issued.servingCertPem)).toBeLessThanOrEqual(notAfter(shortCa.certPem));
  });
});
