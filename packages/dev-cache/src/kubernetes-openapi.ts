/**
 * Kubernetes' published OpenAPI v3 document for core/v1, which @spinkube/api's CRD generator inlines
 * schemas from. It comes from the k8s.io/kubernetes Go module once; afterwards the one file is kept in
 * the cache in the module's layout, so neither Go nor the module cache is needed again.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cacheRoot } from './cache-root.js';
import { DevCacheError } from './errors.js';
import { ensureGo } from './go/ensure-go.js';
import { runGo } from './go/run-go.js';

/** The document's path inside the module (and inside the directory this returns). */
export const CORE_V1_OPENAPI_DOCUMENT = join('api', 'openapi-spec', 'v3', 'api__v1_openapi.json');

/** A directory laid out like the k8s.io/kubernetes module at `version`, holding the core/v1 document. */
export async function ensureKubernetesOpenApi(
  version: string,
  log: (line: string) => void = () => undefined,
): Promise<string> {
  const dir = join(cacheRoot(), 'kubernetes-openapi', version);
  if (existsSync(join(dir, CORE_V1_OPENAPI_DOCUMENT))) return dir;
  const { go } = await ensureGo({ log });
  log(`fetching k8s.io/kubernetes@${version} for its OpenAPI document (first run only; kept in ${dir})`);
  const info = JSON.parse(
    await runGo(go, ['mod', 'download', '-json', `k8s.io/kubernetes@${version}`], tmpdir()),
  ) as { Dir?: string; Error?: string };
  const source = info.Dir ? join(info.Dir, CORE_V1_OPENAPI_DOCUMENT) : undefined;
  if (!source || !existsSync(source)) {
    throw new DevCacheError(
      'OpenApiUnavailable',
      `k8s.io/kubernetes@${version} has no ${CORE_V1_OPENAPI_DOCUMENT}${info.Error ? `: ${info.Error}` : ''}`,
    );
  }
  const partial = `${dir}.partial-${String(process.pid)}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(dirname(join(partial, CORE_V1_OPENAPI_DOCUMENT)), { recursive: true });
  copyFileSync(source, join(partial, CORE_V1_OPENAPI_DOCUMENT));
  if (!existsSync(join(dir, CORE_V1_OPENAPI_DOCUMENT))) {
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
  }
  rmSync(partial, { recursive: true, force: true });
  return dir;
}
