/**
 * Global setup of the api tests: points the CRD generator at Kubernetes' OpenAPI document in the cache
 * (fetched once with Go, which is installed into the cache too when the machine lacks it), so the tests
 * never need Go again once it is there.
 */
import { ensureKubernetesOpenApi } from '@spinkube/dev-cache';
import { KUBERNETES_SCHEMA_VERSION, OPENAPI_DIR_ENV } from '../src/crd/kubernetes-openapi.ts';

export async function setup(): Promise<void> {
  process.env[OPENAPI_DIR_ENV] ??= await ensureKubernetesOpenApi(KUBERNETES_SCHEMA_VERSION, (line) =>
    process.stderr.write(`[api] ${line}\n`),
  );
}
