import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, issueCertificate, type CertificateAuthority } from '@spinkube/pki';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CertificateDirectory } from './certificate-directory.js';
import type { ServingCertificate } from './serving-certificate.js';

let ca: CertificateAuthority;
beforeAll(async () => {
  ca = await createCertificateAuthority('cert-dir-test-ca');
});

const serving = () =>
  issueCertificate(ca, { commonName: 'webhook', dnsNames: ['webhook.ops.svc'], usage: 'server' });

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'webhook-cert-dir-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes the pair the way the kubelet updates a Secret volume: a new timestamped dir, then a symlink swap. */
let generation = 0;
async function writeAsSecretVolume(dir: string, certificate: ServingCertificate): Promise<void> {
  const version = `..${String(++generation)}`;
  await mkdir(join(dir, version));
  await writeFile(join(dir, version, 'tls.crt'), certificate.certPem);
  await writeFile(join(dir, version, 'tls.key'), certificate.keyPem);
  await symlink(version, join(dir, '..data_tmp'));
  await rename(join(dir, '..data_tmp'), join(dir, '..data'));
  for (const name of ['tls.crt', 'tls.key']) {
    await symlink(join('..data', name), join(dir, name)).catch(() => undefined);
  }
}

/**
 * Replaces one file in a single step (a rename), as every real writer of these files does. A plain
 * writeFile truncates first, so the directory's watcher could read an empty certificate in between.
 */
async function replaceFile(path: string, content: string): Promise<void> {
  await writeFile(`${path}.tmp`, content);
  await rename(`${path}.tmp`, path);
}

function directory(dir: string, pollIntervalMs: number) {
  const errors: string[] = [];
  const source = new CertificateDirectory({
    dir,
    pollIntervalMs,
    onError: (error) => errors.push(String(error)),
  });
  cleanups.push(() => {
    source.stop();
  });
  return { source, errors };
}

describe('CertificateDirectory', () => {
  it('reads tls.crt and tls.key, and picks up a Secret volume update on its own', async () => {
    const dir = await tempDir();
    const first = await serving();
    await writeAsSecretVolume(dir, first);
    const { source, errors } = directory(dir, 200);
    await source.start();
    expect(source.current()).toEqual(first);

    const seen: ServingCertificate[] = [];
    source.onChange((certificate) => seen.push(certificate));
    const second = await serving();
    await writeAsSecretVolume(dir, second);
    await vi.waitFor(() => expect(seen).toEqual([second]), { timeout: 5000 });
    expect(source.current()).toEqual(second);
    expect(errors).toEqual([]);
  });

  it('skips a certificate that does not match its key, reporting it once, until both files agree', async () => {
    const dir = await tempDir();
    const first = await serving();
    await writeFile(join(dir, 'tls.crt'), first.certPem);
    await writeFile(join(dir, 'tls.key'), first.keyPem);
    const { source, errors } = directory(dir, 60_000);
    await source.start();
    const seen: ServingCertificate[] = [];
    source.onChange((certificate) => seen.push(certificate));

    const second = await serving();
    await replaceFile(join(dir, 'tls.crt'), second.certPem);
    await source.reload();
    await source.reload();
    expect(source.current()).toEqual(first);
    expect(errors).toEqual([expect.stringContaining('the private key does not belong to the certificate')]);

    await replaceFile(join(dir, 'tls.key'), second.keyPem);
    await source.reload();
    expect(source.current()).toEqual(second);
    expect(seen).toEqual([second]);
  });

  it('will not start without the files', async () => {
    const { source } = directory(await tempDir(), 60_000);
    await expect(source.start()).rejects.toThrow(/ENOENT.*tls\.(crt|key)/);
  });
});
