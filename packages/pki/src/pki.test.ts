import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createCertificateAuthority,
  createKeyPair,
  issueCertificate,
  loadCertificateAuthority,
} from './pki.js';

describe('PKI', () => {
  it('issues a serving certificate for 127.0.0.1 that verifies against its CA', async () => {
    const ca = await createCertificateAuthority('unit-ca');
    const serving = await issueCertificate(ca, {
      commonName: 'kube-apiserver',
      usage: 'server',
      ipAddresses: ['127.0.0.1'],
      dnsNames: ['localhost', 'kubernetes.default.svc'],
    });
    const cert = new X509Certificate(serving.certPem);
    const caCert = new X509Certificate(ca.certPem);
    expect(caCert.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.checkHost('kubernetes.default.svc')).toBe('kubernetes.default.svc');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
  });

  it('puts groups in O= and the user in CN= of client certificates, as Kubernetes reads them', async () => {
    const ca = await createCertificateAuthority('unit-ca');
    const client = await issueCertificate(ca, {
      commonName: 'spinkube-admin',
      organizations: ['system:masters'],
      usage: 'client',
    });
    const cert = new X509Certificate(client.certPem);
    expect(cert.subject).toBe('CN=spinkube-admin\nO=system:masters');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
  });

  it('does not verify against another CA', async () => {
    const ca = await createCertificateAuthority('one');
    const other = await createCertificateAuthority('two');
    const cert = new X509Certificate(
      (await issueCertificate(ca, { commonName: 'x', usage: 'server' })).certPem,
    );
    expect(cert.verify(new X509Certificate(other.certPem).publicKey)).toBe(false);
  });

  it('creates PEM key pairs for service-account signing', async () => {
    const pair = await createKeyPair();
    expect(pair.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----\n$/);
    expect(pair.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  });
});

describe('loadCertificateAuthority', () => {
  it('issues certificates from a CA stored as PEM that verify against it', async () => {
    const original = await createCertificateAuthority('stored-ca');
    const loaded = await loadCertificateAuthority(original.certPem, original.keyPem);
    const issued = await issueCertificate(loaded, {
      commonName: 'svc',
      dnsNames: ['svc.ns.svc'],
      usage: 'server',
    });
    const leaf = new X509Certificate(issued.certPem);
    expect(leaf.verify(new X509Certificate(original.certPem).publicKey)).toBe(true);
    expect(leaf.subjectAltName).toBe('DNS:svc.ns.svc');
  });
});
