/**
 * Locates the Kubernetes OpenAPI v3 document that the inlined core/v1 schemas (Volume, VolumeMount,
 * EnvVarSource, …) are generated from. The document is Kubernetes' own published API description; it comes
 * from the `k8s.io/kubernetes` Go module at a pinned version, fetched once into the Go module cache (the
 * same version upstream spin-operator builds its CRDs against).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpinKubeApiError } from '../errors.js';
import type { JsonSchema } from './json-schema.js';

/** Kubernetes release whose core/v1 schemas the CRDs inline (upstream: k8s.io/api v0.34.3). */
export const KUBERNETES_SCHEMA_VERSION = 'v1.34.3';
const MODULE = 'k8s.io/kubernetes';
const CORE_V1_DOCUMENT = join('api', 'openapi-spec', 'v3', 'api__v1_openapi.json');

/** Set to a checkout or extracted module of k8s.io/kubernetes to skip the Go module download. */
export const OPENAPI_DIR_ENV = 'SPINKUBE_K8S_OPENAPI_DIR';

export interface OpenApiDocument {
  components: { schemas: Record<string, JsonSchema> };
}

export function kubernetesModuleDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[OPENAPI_DIR_ENV];
  if (override) return override;
  let output: string;
  try {
    output = execFileSync('go', ['mod', 'download', '-json', `${MODULE}@${KUBERNETES_SCHEMA_VERSION}`], {
      encoding: 'utf8',
      cwd: '/',
      env: { ...env, GOFLAGS: '-mod=mod' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new SpinKubeApiError(
      'KubernetesOpenApiUnavailable',
      `cannot fetch ${MODULE}@${KUBERNETES_SCHEMA_VERSION} for its OpenAPI document: ${detail.trim()}\n` +
        `The CRD generator needs Go (it uses the Go module proxy) or ${OPENAPI_DIR_ENV} pointing at a copy of ` +
        `that module.`,
      { cause: error },
    );
  }
  const parsed = JSON.parse(output) as { Dir?: string; Error?: string };
  if (!parsed.Dir) {
    throw new SpinKubeApiError(
      'KubernetesOpenApiUnavailable',
      `go mod download ${MODULE}@${KUBERNETES_SCHEMA_VERSION} gave no directory: ${parsed.Error ?? output}`,
    );
  }
  return parsed.Dir;
}

/** Reads the core/v1 OpenAPI v3 document. */
export function loadCoreV1OpenApi(env: NodeJS.ProcessEnv = process.env): OpenApiDocument {
  const file = join(kubernetesModuleDir(env), CORE_V1_DOCUMENT);
  if (!existsSync(file)) {
    throw new SpinKubeApiError('KubernetesOpenApiUnavailable', `${file} does not exist`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
}
