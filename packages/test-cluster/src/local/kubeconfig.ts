/** Kubeconfig files with client-certificate authentication, embedded so each file stands alone. */
import { stringify } from 'yaml';
import type { Certificate } from '@spinkube/pki';

export function kubeconfigYaml(options: {
  server: string;
  caPem: string;
  user: string;
  client: Certificate;
  context?: string;
}): string {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  const context = options.context ?? 'spinkube-local';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: context,
        cluster: { server: options.server, 'certificate-authority-data': b64(options.caPem) },
      },
    ],
    users: [
      {
        name: options.user,
        user: {
          'client-certificate-data': b64(options.client.certPem),
          'client-key-data': b64(options.client.keyPem),
        },
      },
    ],
    contexts: [{ name: context, context: { cluster: context, user: options.user } }],
    'current-context': context,
  });
}
