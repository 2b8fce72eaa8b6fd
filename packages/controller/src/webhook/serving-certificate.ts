/**
 * What a webhook server serves with: a certificate and its key in PEM, from wherever they come (the Secret
 * `WebhookCertificates` manages, a mounted directory, or fixed PEM), and a way to hear that they changed.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';

export interface ServingCertificate {
  /** The serving certificate, optionally followed by intermediates, in PEM. */
  readonly certPem: string;
  /** Its private key in PEM. */
  readonly keyPem: string;
}

export interface CertificateSource {
  /** The certificate to serve now; undefined until the source has loaded one. */
  current(): ServingCertificate | undefined;
  /** Calls `listener` with every new certificate; returns a function that stops the calls. */
  onChange(listener: (certificate: ServingCertificate) => void): () => void;
}

/** Throws unless the PEM holds a certificate and the key that belongs to it. */
export function checkServingCertificate(certificate: ServingCertificate): X509Certificate {
  const cert = new X509Certificate(certificate.certPem);
  const key = createPrivateKey(certificate.keyPem);
  if (!cert.checkPrivateKey(key)) throw new Error('the private key does not belong to the certificate');
  return cert;
}

export function sameCertificate(a: ServingCertificate | undefined, b: ServingCertificate): boolean {
  return a?.certPem === b.certPem && a.keyPem === b.keyPem;
}

/** Listeners of a certificate source, each called in turn; one that throws does not stop the rest. */
export class CertificateListeners {
  private readonly listeners = new Set<(certificate: ServingCertificate) => void>();

  constructor(private readonly onError: (error: unknown) => void) {}

  add(listener: (certificate: ServingCertificate) => void): () => void {
    const wrapped = (certificate: ServingCertificate) => {
      listener(certificate);
    };
    this.listeners.add(wrapped);
    return () => this.listeners.delete(wrapped);
  }

  notify(certificate: ServingCertificate): void {
    for (const listener of this.listeners) {
      try {
        listener(certificate);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
