/**
 * The CA bundle Secret an executor with `installDefaultCACerts` gets in each app namespace (reference §2.3
 * step 3): created once if missing, never owned by an app, annotated as managed by the operator. Upstream
 * embeds Mozilla's bundle from curl.se; Node ships the same Mozilla root store (`tls.rootCertificates`), so
 * the bundle comes from the Node the operator runs on — no copy kept in the repository.
 */
import { rootCertificates } from 'node:tls';
import type { V1Secret } from '@kubernetes/client-node';
import { Workload } from '@spinkube/api';

export const MANAGED_BY_ANNOTATION = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_OPERATOR = 'spin-operator.spinkube.dev';

/** PEM certificates, one after another, as in `ca-certificates.crt`. */
export function defaultCaBundle(): string {
  return `${rootCertificates.map((pem) => pem.trim()).join('\n')}\n`;
}

export function renderCaSecret(name: string, namespace: string): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, annotations: { [MANAGED_BY_ANNOTATION]: MANAGED_BY_OPERATOR } },
    stringData: { [Workload.caCertificatesKey]: defaultCaBundle() },
  };
}
