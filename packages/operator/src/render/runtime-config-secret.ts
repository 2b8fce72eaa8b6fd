/**
 * The Secret carrying an app's rendered runtime config (reference §2.3 step 2): named after the bytes'
 * adler32, labelled with the app, owned by the app through a non-controller reference, type Opaque.
 */
import type { V1Secret } from '@kubernetes/client-node';
import { Labels, Workload } from '@spinkube/api';
import { runtimeConfigSecretName } from './runtime-config.js';
import { secretOwnerReference, type SpinAppWithSpec } from './workload.js';

export function renderRuntimeConfigSecret(app: SpinAppWithSpec, toml: string): V1Secret {
  const name = app.metadata?.name ?? '';
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: runtimeConfigSecretName(name, toml),
      namespace: app.metadata?.namespace ?? '',
      labels: { [Labels.appName]: name },
      ownerReferences: [secretOwnerReference(app)],
    },
    data: { [Workload.runtimeConfigKey]: Buffer.from(toml, 'utf8').toString('base64') },
  };
}
