/** The namespace the operator runs in: `POD_NAMESPACE`, else its service account's, else `default`. */
import { readFileSync } from 'node:fs';

const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export function ownNamespace(env: NodeJS.ProcessEnv = process.env, file = SERVICE_ACCOUNT_NAMESPACE): string {
  const fromEnv = env['POD_NAMESPACE']?.trim();
  if (fromEnv) return fromEnv;
  try {
    const fromFile = readFileSync(file, 'utf8').trim();
    if (fromFile) return fromFile;
  } catch {
    // Not in a pod.
  }
  return 'default';
}
