/**
 * Carries out a certificate plan with @spinkube/pki (ECDSA P-256): a new CA when the plan says so, and a
 * serving certificate for the required names, never outliving the CA that signs it.
 */
import {
  createCertificateAuthority,
  issueCertificate,
  loadCertificateAuthority,
  type CertificateAuthority,
} from '@spinkube/pki';
import {
  caBundleWith,
  splitPemCertificates,
  type CertificatePlan,
  type CertificateRequirements,
  type StoredCertificates,
} from './certificate-plan.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface IssueOptions extends CertificateRequirements {
  /** Common name of a new CA. */
  readonly caCommonName: string;
  readonly caValidityMs: number;
}

/** The full set to store after carrying out `plan` (which must not be `reuse`). */
export async function issueCertificates(
  plan: Exclude<CertificatePlan, { action: 'reuse' }>,
  stored: StoredCertificates,
  options: IssueOptions,
  now: Date,
): Promise<Required<StoredCertificates>> {
  if (plan.action === 'issue-all') {
    const ca = await createCertificateAuthority(options.caCommonName, options.caValidityMs / DAY_MS);
    return {
      caBundlePem: caBundleWith(ca.certPem, stored.caBundlePem, now),
      caKeyPem: ca.keyPem,
      ...(await issueServing(ca, options)),
    };
  }
  const current = await storedCa(stored);
  if (plan.action === 'issue-serving') {
    // Earlier CAs that have expired meanwhile drop out of the bundle; otherwise it stays byte for byte, so
    // the webhook configurations' caBundle does not change with a serving certificate.
    const pruned = caBundleWith(current.certPem, stored.caBundlePem, now);
    const unchanged =
      splitPemCertificates(pruned).length === splitPemCertificates(stored.caBundlePem ?? '').length;
    return {
      caBundlePem: unchanged && stored.caBundlePem ? stored.caBundlePem : pruned,
      caKeyPem: current.keyPem,
      ...(await issueServing(current, options)),
    };
  }
  // rotate-ca: the new CA is trusted from now on; the outgoing one signs one more serving certificate.
  const next = await createCertificateAuthority(options.caCommonName, options.caValidityMs / DAY_MS);
  return {
    caBundlePem: caBundleWith(next.certPem, stored.caBundlePem, now),
    caKeyPem: next.keyPem,
    ...(await issueServing(current, options)),
  };
}

async function storedCa(stored: StoredCertificates): Promise<CertificateAuthority> {
  const [caPem] = splitPemCertificates(stored.caBundlePem ?? '');
  if (!caPem || !stored.caKeyPem) throw new Error('the plan needs the stored CA, and there is none');
  return loadCertificateAuthority(caPem, stored.caKeyPem);
}

async function issueServing(
  ca: CertificateAuthority,
  options: IssueOptions,
): Promise<{ servingCertPem: string; servingKeyPem: string }> {
  // A second short of the CA's end, so rounding to whole seconds cannot put the certificate past it.
  const caLeftMs = ca.cert.notAfter.getTime() - Date.now() - 1000;
  const serving = await issueCertificate(ca, {
    commonName: options.dnsNames[0] ?? options.ipAddresses[0] ?? 'webhook',
    dnsNames: options.dnsNames,
    ipAddresses: options.ipAddresses,
    usage: 'server',
    validDays: Math.min(options.servingValidityMs, caLeftMs) / DAY_MS,
  });
  return { servingCertPem: serving.certPem, servingKeyPem: serving.keyPem };
}
