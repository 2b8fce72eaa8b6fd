/**
 * The Secret that holds a webhook's CA and serving certificate, read and written so that replicas racing
 * over it never overwrite each other: creating an existing Secret fails with 409, and an update carries the
 * resourceVersion it was based on, so a Secret changed meanwhile fails with 409 too. Keys other than the
 * four certificate keys are left alone.
 */
import {
  CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type V1Secret,
} from '@kubernetes/client-node';
import { abortableRequest, statusCode } from '../leader/api-request.js';
import { SECRET_KEYS, type StoredCertificates } from './certificate-plan.js';

export interface SecretVersion {
  /** The certificates found; empty when the Secret does not exist. */
  readonly stored: StoredCertificates;
  /** The resourceVersion read; undefined when the Secret does not exist. */
  readonly resourceVersion: string | undefined;
}

export class CertificateSecret {
  private readonly api: CoreV1Api;

  constructor(
    kubeConfig: KubeConfig,
    readonly namespace: string,
    readonly name: string,
    private readonly requestTimeoutMs = 10_000,
  ) {
    this.api = kubeConfig.makeApiClient(CoreV1Api);
  }

  get description(): string {
    return `Secret ${this.namespace}/${this.name}`;
  }

  async read(): Promise<SecretVersion> {
    let secret: V1Secret;
    try {
      secret = await this.api.readNamespacedSecret(
        { name: this.name, namespace: this.namespace },
        this.request(),
      );
    } catch (error) {
      if (statusCode(error) === 404) return { stored: {}, resourceVersion: undefined };
      throw error;
    }
    const data = secret.data ?? {};
    const text = (key: string) => {
      const value = data[key];
      return value ? Buffer.from(value, 'base64').toString('utf8') : undefined;
    };
    return {
      stored: {
        caBundlePem: text(SECRET_KEYS.caCert),
        caKeyPem: text(SECRET_KEYS.caKey),
        servingCertPem: text(SECRET_KEYS.servingCert),
        servingKeyPem: text(SECRET_KEYS.servingKey),
      },
      resourceVersion: secret.metadata?.resourceVersion ?? '',
    };
  }

  /**
   * Writes `certificates` over the version read: creates the Secret when it did not exist, else patches it
   * on condition it has not changed. Rejects with a 409 error when another writer got there first.
   */
  async write(version: SecretVersion, certificates: Required<StoredCertificates>): Promise<void> {
    const data = {
      [SECRET_KEYS.caCert]: base64(certificates.caBundlePem),
      [SECRET_KEYS.caKey]: base64(certificates.caKeyPem),
      [SECRET_KEYS.servingCert]: base64(certificates.servingCertPem),
      [SECRET_KEYS.servingKey]: base64(certificates.servingKeyPem),
    };
    if (version.resourceVersion === undefined) {
      await this.api.createNamespacedSecret(
        {
          namespace: this.namespace,
          body: {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: this.name, namespace: this.namespace },
            // The type `kubectl create secret tls` gives; ca.crt and ca.key ride along as extra keys.
            type: 'kubernetes.io/tls',
            data,
          },
        },
        this.request(),
      );
      return;
    }
    // A merge patch with metadata.resourceVersion is refused with 409 if the Secret changed since the read.
    await this.api.patchNamespacedSecret(
      {
        name: this.name,
        namespace: this.namespace,
        body: { metadata: { resourceVersion: version.resourceVersion }, data },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch, this.request()),
    );
  }

  private request() {
    return abortableRequest(AbortSignal.timeout(this.requestTimeoutMs));
  }
}

function base64(text: string): string {
  return Buffer.from(text).toString('base64');
}
