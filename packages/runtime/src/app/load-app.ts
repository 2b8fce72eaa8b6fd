/**
 * Everything `up` needs before serving: the manifest, the runtime config, resolved variables, each
 * retained component compiled (and its imports checked), and the router. Any problem stops the app here,
 * before a port is opened, with the place it comes from.
 */
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { compileComponent } from '../component/compiled-component.js';
import { readComponentSource } from './component-source.js';
import { unsupportedImports } from '../component/component-imports.js';
import { defaultRuntimeConfig, loadRuntimeConfig, type RuntimeConfig } from '../config/runtime-config.js';
import { resolveVariables, type ResolvedVariables } from '../config/variables.js';
import { RuntimeError } from '../errors.js';
import type { ComponentPlan } from '../engine/worker-protocol.js';
import { resolveComponentFiles } from '../files/resolve-files.js';
import { PROVIDED_INTERFACES } from '../host/host-imports.js';
import { Router } from '../http/router.js';
import { parseTemplate, renderTemplate } from '../manifest/template.js';
import { parseAllowedHost } from '../outbound/allowed-hosts.js';
import { loadManifest } from '../manifest/load-manifest.js';
import { isOciReference } from '@spinkube/oci';
import type { AppManifest, ComponentSpec } from '../manifest/types.js';

/** Where a pod's runtime config is mounted (spin-operator puts it there). */
export const POD_RUNTIME_CONFIG = '/runtime-config.toml';

export interface LoadAppOptions {
  /**
   * A manifest file, a directory holding spin.toml, or a registry reference to a Spin OCI artifact. Not
   * read when `manifest` is given (errors then name the manifest's own `file`, e.g. the origin given to
   * `lockedAppFromLayers`).
   */
  readonly from: string;
  /**
   * The app's manifest, already resolved (e.g. by `lockedAppFromLayers` from layers the shim read out of
   * containerd's content store); nothing is read from `from` then.
   */
  readonly manifest?: AppManifest;
  /** State directory for default stores (and the component cache, unless `cacheDir` says otherwise). */
  readonly stateDir: string;
  /** Transpiled components and pulled artifacts (default `<stateDir>/cache`); apps may share one. */
  readonly cacheDir?: string;
  /**
   * `--runtime-config-file`; when absent, /runtime-config.toml is used if it exists; `null`: no runtime
   * config file at all, not even that one (the shim resolves a pod's own inside its root filesystem).
   */
  readonly runtimeConfigFile?: string | null;
  /** Only these components (and their routes) are served (`--component-id`, `SPIN_COMPONENTS_TO_RETAIN`). */
  readonly componentIds?: readonly string[];
  /** Environment variables for every component (`--env`), over the ones the manifest sets. */
  readonly environment?: readonly [string, string][];
  readonly env?: NodeJS.ProcessEnv;
  /** The largest linear memory an instance may have, in bytes (`SPIN_MAX_INSTANCE_MEMORY`). */
  readonly maxInstanceMemory?: number;
}

export interface LoadedApp {
  readonly manifest: AppManifest;
  readonly runtimeConfig: RuntimeConfig;
  readonly variables: ResolvedVariables;
  /** Each retained component, compiled, with what its instances may use. */
  readonly components: readonly ComponentPlan[];
  readonly router: Router;
}

export async function loadApp(options: LoadAppOptions): Promise<LoadedApp> {
  const cacheDir = options.cacheDir ?? join(options.stateDir, 'cache');
  const manifest = options.manifest ?? (await readManifest(options.from, cacheDir, options.env));
  const runtimeConfigFile =
    options.runtimeConfigFile === null
      ? undefined
      : (options.runtimeConfigFile ?? (existsSync(POD_RUNTIME_CONFIG) ? POD_RUNTIME_CONFIG : undefined));
  const runtimeConfig = runtimeConfigFile
    ? await loadRuntimeConfig(resolve(runtimeConfigFile), options.stateDir)
    : defaultRuntimeConfig(options.stateDir);
  const variables = resolveVariables(manifest, runtimeConfig.variablesProviders, options.env ?? process.env);

  const retained = retainedComponents(manifest, options.componentIds);
  const triggers = manifest.httpTriggers.filter((trigger) => retained.has(trigger.component));
  for (const [index, trigger] of manifest.httpTriggers.entries()) {
    if (trigger.executor.type !== 'spin' && retained.has(trigger.component)) {
      throw new RuntimeError(
        'ManifestInvalid',
        `executor "${trigger.executor.type}" is not supported by this runtime; only "spin" (WASI HTTP components)`,
        at(manifest, `trigger.http[${String(index)}].executor`),
      );
    }
  }
  const router = Router.build(manifest.application.httpBase, triggers);

  const components: ComponentPlan[] = [];
  const unsupported: string[] = [];
  for (const id of retained) {
    const spec = manifest.components.get(id);
    if (!spec) continue;
    checkStoresExist(manifest, spec, runtimeConfig);
    const allowedOutboundHosts = renderAllowedHosts(manifest, spec, variables.application);
    const compiled = await compileComponent(await readComponentSource(manifest, spec, cacheDir), cacheDir, {
      ...(options.maxInstanceMemory === undefined ? {} : { maxInstanceMemory: options.maxInstanceMemory }),
    }).catch((error: unknown) => {
      if (error instanceof RuntimeError) {
        throw new RuntimeError(error.code, error.message, at(manifest, `component.${id}.source`), {
          cause: error,
        });
      }
      throw error;
    });
    const missing = unsupportedImports(compiled.imports, PROVIDED_INTERFACES);
    if (missing.length > 0) {
      const line = manifest.lineOf(`component.${id}`);
      unsupported.push(
        `component "${id}"${line === undefined ? '' : ` (line ${String(line)})`} imports ${missing.join(', ')}`,
      );
    } else {
      components.push({
        id,
        gluePath: compiled.gluePath,
        modules: compiled.modules,
        memories: compiled.memories,
        environment: [...new Map([...spec.environment, ...(options.environment ?? [])])],
        variables: variables.all(id),
        allowedOutboundHosts,
        keyValueStores: spec.keyValueStores,
        sqliteDatabases: spec.sqliteDatabases,
        files: await resolveComponentFiles(manifest, spec),
      });
    }
  }
  if (unsupported.length > 0) {
    throw new RuntimeError(
      'ImportUnsupported',
      `this runtime does not provide every interface the app imports:\n  ${unsupported.join('\n  ')}`,
      { file: manifest.file },
    );
  }
  return { manifest, runtimeConfig, variables, components, router };
}

/** A registry reference (`ghcr.io/org/app:1.0`) is pulled into the content-addressed cache first. */
async function readManifest(
  from: string,
  cacheDir: string,
  env: NodeJS.ProcessEnv | undefined,
): Promise<AppManifest> {
  if (!isOciReference(from)) return loadManifest(from);
  const { pullApp } = await import('../oci/pull-app.js');
  return pullApp(from, { cacheDir, ...(env ? { env } : {}) });
}

function retainedComponents(manifest: AppManifest, ids: readonly string[] | undefined): Set<string> {
  if (!ids || ids.length === 0) return new Set(manifest.components.keys());
  const unknown = ids.filter((id) => !manifest.components.has(id));
  if (unknown.length > 0) {
    throw new RuntimeError(
      'ManifestInvalid',
      `no component named ${unknown.map((id) => `"${id}"`).join(', ')} to retain; the app has: ${[...manifest.components.keys()].join(', ')}`,
      { file: manifest.file },
    );
  }
  return new Set(ids);
}

/** Every store and database a component declares must exist, as Spin checks before serving. */
function checkStoresExist(manifest: AppManifest, spec: ComponentSpec, config: RuntimeConfig): void {
  const check = (
    labels: readonly string[],
    known: ReadonlyMap<string, unknown>,
    field: string,
    what: string,
  ) => {
    labels.forEach((label, index) => {
      if (known.has(label)) return;
      throw new RuntimeError(
        'ManifestInvalid',
        `unknown ${what} "${label}": define it in the runtime config${config.file ? ` (${config.file})` : ''}; known: ${[...known.keys()].join(', ')}`,
        at(manifest, `component.${spec.id}.${field}[${String(index)}]`),
      );
    });
  };
  check(spec.keyValueStores, config.keyValueStores, 'key_value_stores', 'key-value store');
  check(spec.sqliteDatabases, config.sqliteDatabases, 'sqlite_databases', 'SQLite database');
}

/**
 * `allowed_outbound_hosts` with `{{ variable }}` templates rendered from the application variables, each
 * entry checked, so a malformed one stops the app at start rather than denying requests later.
 */
function renderAllowedHosts(
  manifest: AppManifest,
  spec: ComponentSpec,
  values: ReadonlyMap<string, string>,
): string[] {
  return spec.allowedOutboundHosts.map((entry, index) => {
    const field = `component.${spec.id}.allowed_outbound_hosts[${String(index)}]`;
    const fail = (message: string): never => {
      throw new RuntimeError('ManifestInvalid', message, at(manifest, field));
    };
    const rendered = renderTemplate(parseTemplate(entry, fail), (name) => {
      const value = values.get(name);
      return value ?? fail(`variable "${name}" has no value`);
    });
    try {
      parseAllowedHost(rendered);
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
    }
    return rendered;
  });
}

/** file, line and field of a manifest path, for errors raised after the manifest was read. */
function at(manifest: AppManifest, field: string): { file: string; field: string; line?: number } {
  const line = manifest.lineOf(field);
  return { file: manifest.file, field, ...(line === undefined ? {} : { line }) };
}
