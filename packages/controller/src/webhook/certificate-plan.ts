/**
 * Pure decisions about the certificates kept in a webhook's Secret: whether what is stored can be served
 * as is, or what has to be issued and why. Nothing here talks to the cluster or makes keys.
 *
 * The Secret holds `ca.crt` (the current CA first, then earlier CAs that are still valid), `ca.key` (the
 * current CA's key), `tls.crt` and `tls.key` (the serving certificate, signed by a CA in `ca.crt`).
 *
 * A CA is replaced in two steps, so that no apiserver is ever shown a certificate from a CA it does not
 * trust yet. Once the CA has less than a serving certificate's lifetime plus the renew-before margin left,
 * a new CA goes first into `ca.crt` (and so into every caBundle), and the outgoing CA, still valid for that
 * long, issues one last full-length serving certificate. The new CA signs from the renewal after that, a
 * serving lifetime later, by when every apiserver has long had the new bundle.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';

export const SECRET_KEYS = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  servingCert: 'tls.crt',
  servingKey: 'tls.key',
} as const;

/** The four PEM texts, as read from the Secret (any may be missing). */
export interface StoredCertificates {
  readonly caBundlePem?: string;
  readonly caKeyPem?: string;
  readonly servingCertPem?: string;
  readonly servingKeyPem?: string;
}

export interface CertificateRequirements {
  /** DNS names the serving certificate must cover, the first also being its common name. */
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  /** A serving certificate with less than this left is issued again. */
  readonly renewBeforeMs: number;
  /** Lifetime of a serving certificate: a CA is replaced while it can still sign a full one. */
  readonly servingValidityMs: number;
}

export type CertificatePlan =
  /** Everything stored is usable until `renewAt`. */
  | { readonly action: 'reuse'; readonly renewAt: Date }
  /** A new serving certificate from the current CA. */
  | { readonly action: 'issue-serving'; readonly reason: string }
  /** A new CA, put first in the bundle, and a serving certificate from the outgoing CA. */
  | { readonly action: 'rotate-ca'; readonly reason: string }
  /** No usable CA: a new CA and a serving certificate from it. */
  | { readonly action: 'issue-all'; readonly reason: string };

export function planCertificates(
  stored: StoredCertificates,
  required: CertificateRequirements,
  now: Date,
): CertificatePlan {
  const ca = readCa(stored);
  if (typeof ca === 'string') return { action: 'issue-all', reason: ca };
  const caRotateAt = ca.validToDate.getTime() - required.renewBeforeMs - required.servingValidityMs;
  if (caRotateAt <= now.getTime()) {
    return { action: 'rotate-ca', reason: `the CA expires at ${ca.validToDate.toISOString()}` };
  }
  const serving = readServing(stored, required);
  if (typeof serving === 'string') return { action: 'issue-serving', reason: serving };
  const servingRenewAt = serving.validToDate.getTime() - required.renewBeforeMs;
  if (servingRenewAt <= now.getTime()) {
    return {
      action: 'issue-serving',
      reason: `the serving certificate expires at ${serving.validToDate.toISOString()}`,
    };
  }
  return { action: 'reuse', renewAt: new Date(Math.min(caRotateAt, servingRenewAt)) };
}

/** The CA certificates in a PEM bundle, in order. */
export function splitPemCertificates(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
}

/**
 * The `ca.crt` to store with `currentCaPem`: it first, then the certificates of `previousBundle` that are
 * still valid at `now` (so webhooks keep trusting serving certificates they signed), without repeats.
 */
export function caBundleWith(currentCaPem: string, previousBundle: string | undefined, now: Date): string {
  const current = normalisePem(currentCaPem);
  const kept = splitPemCertificates(previousBundle ?? '')
    .map(normalisePem)
    .filter((pem) => pem !== current && stillValid(pem, now));
  return [current, ...kept].join('');
}

/** The first certificate of `ca.crt` and the key in `ca.key`, when they are a usable pair; else why not. */
function readCa(stored: StoredCertificates): X509Certificate | string {
  if (!stored.caBundlePem || !stored.caKeyPem) return 'there is no CA yet';
  const [caPem] = splitPemCertificates(stored.caBundlePem);
  if (!caPem) return `${SECRET_KEYS.caCert} holds no certificate`;
  try {
    const ca = new X509Certificate(caPem);
    if (!ca.ca) return `${SECRET_KEYS.caCert} is not a CA certificate`;
    if (!ca.checkPrivateKey(createPrivateKey(stored.caKeyPem))) {
      return `${SECRET_KEYS.caKey} is not the key of ${SECRET_KEYS.caCert}`;
    }
    return ca;
  } catch (error) {
    return `the CA cannot be read: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function readServing(
  stored: StoredCertificates,
  required: CertificateRequirements,
): X509Certificate | string {
  if (!stored.servingCertPem || !stored.servingKeyPem) return 'there is no serving certificate yet';
  let serving: X509Certificate;
  let cas: X509Certificate[];
  try {
    serving = new X509Certificate(stored.servingCertPem);
    if (!serving.checkPrivateKey(createPrivateKey(stored.servingKeyPem))) {
      return `${SECRET_KEYS.servingKey} is not the key of ${SECRET_KEYS.servingCert}`;
    }
    cas = splitPemCertificates(stored.caBundlePem ?? '').map((pem) => new X509Certificate(pem));
  } catch (error) {
    return `the serving certificate cannot be read: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (!cas.some((ca) => serving.checkIssued(ca) && serving.verify(ca.publicKey))) {
    return `the serving certificate was not signed by a CA in ${SECRET_KEYS.caCert}`;
  }
  for (const name of required.dnsNames) {
    if (serving.checkHost(name, { wildcards: false, subject: 'never' }) === undefined) {
      return `the serving certificate does not cover DNS name ${name}`;
    }
  }
  for (const ip of required.ipAddresses) {
    if (serving.checkIP(ip) === undefined) return `the serving certificate does not cover IP address ${ip}`;
  }
  return serving;
}

function normalisePem(pem: string): string {
  return `${pem.trim()}\n`;
}

function stillValid(pem: string, now: Date): boolean {
  try {
    return new X509Certificate(pem).validToDate.getTime() > now.getTime();
  } catch {
    return false;
  }
}
