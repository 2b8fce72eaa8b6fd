// `npx nx run api:generate`: the CRD generator (dist/generate/main.js) with Kubernetes' OpenAPI document
// taken from the cache, fetched there once when missing.
import { ensureKubernetesOpenApi } from '@spinkube/dev-cache';
import { KUBERNETES_SCHEMA_VERSION, OPENAPI_DIR_ENV } from '../dist/crd/kubernetes-openapi.js';

process.env[OPENAPI_DIR_ENV] ??= await ensureKubernetesOpenApi(KUBERNETES_SCHEMA_VERSION, (line) =>
  process.stderr.write(`generate: ${line}\n`),
);
await import('../dist/generate/main.js');
