/**
 * A locked app as the `AppManifest` the TOML loader gives, so `up` runs a pulled app like a local one:
 * component sources and files point at content-addressed files in the cache, and errors name the lock's
 * JSON field paths (`components[1].config.greeting`). The same checks as for a manifest apply: only HTTP
 * triggers, every trigger names a component, templates use declared variables.
 */
import { posix } from 'node:path';
import { templateReferences } from '../manifest/template.js';
import type {
  AppManifest,
  ApplicationInfo,
  ComponentSpec,
  FileMount,
  HttpExecutor,
  HttpRoute,
  HttpTrigger,
  VariableDeclaration,
} from '../manifest/types.js';
import { JsonReader, isJsonObject } from './json-reader.js';
import { contentDigest, type LockedApp, type LockedComponent, type LockedTrigger } from './locked-app.js';

export interface LockedContentPaths {
  /** Names the app in errors and becomes `AppManifest.file` (e.g. the reference it was pulled from). */
  readonly file: string;
  /** `AppManifest.dir`: every path in the result is absolute, so this only needs to exist. */
  readonly dir: string;
  /** Where the wasm with this digest is. */
  wasmPath(digest: string): string;
  /** Where the file with this digest is. */
  dataPath(digest: string): string;
}

export function appManifestFromLockedApp(lock: LockedApp, paths: LockedContentPaths): AppManifest {
  const read: JsonReader = new JsonReader(paths.file, 'LockedAppInvalid');
  const variables = new Map<string, VariableDeclaration>(
    Object.entries(lock.variables ?? {}).map(([name, variable]) => [
      name,
      {
        ...(variable.default === undefined ? {} : { default: variable.default }),
        required: variable.default === undefined,
        secret: variable.secret ?? false,
      },
    ]),
  );
  const components = new Map<string, ComponentSpec>();
  lock.components.forEach((component, index) => {
    const path = `components[${String(index)}]`;
    if (components.has(component.id)) read.fail(`${path}.id`, `duplicate component id "${component.id}"`);
    components.set(component.id, readComponent(read, component, path, variables, paths));
  });
  const httpTriggers = lock.triggers.map((trigger, index) =>
    readTrigger(read, trigger, `triggers[${String(index)}]`, components),
  );
  return {
    file: paths.file,
    dir: paths.dir,
    application: readApplication(read, lock),
    variables,
    httpTriggers,
    components,
    lineOf: () => undefined,
  };
}

function readApplication(read: JsonReader, lock: LockedApp): ApplicationInfo {
  const metadata = lock.metadata ?? {};
  const version = read.optionalString(metadata['version'], 'metadata.version');
  const description = read.optionalString(metadata['description'], 'metadata.description');
  // `triggers.http.base` is current; older locks repeat a single trigger type's settings under `trigger`.
  const triggers = read.optionalObject(metadata['triggers'], 'metadata.triggers');
  const http = read.optionalObject(triggers?.['http'], 'metadata.triggers.http');
  const legacy = read.optionalObject(metadata['trigger'], 'metadata.trigger');
  const base =
    read.optionalString(http?.['base'], 'metadata.triggers.http.base') ??
    read.optionalString(legacy?.['base'], 'metadata.trigger.base') ??
    '/';
  if (!base.startsWith('/')) read.fail('metadata.triggers.http.base', `base "${base}" must start with "/"`);
  return {
    name: read.string(metadata['name'], 'metadata.name'),
    ...(version === undefined ? {} : { version }),
    ...(description === undefined ? {} : { description }),
    authors: read.stringArray(metadata['authors'], 'metadata.authors'),
    httpBase: base,
  };
}

function readComponent(
  read: JsonReader,
  component: LockedComponent,
  path: string,
  appVariables: ReadonlyMap<string, VariableDeclaration>,
  paths: LockedContentPaths,
): ComponentSpec {
  const metadata = component.metadata ?? {};
  const list = (key: string): string[] => read.stringArray(metadata[key], `${path}.metadata.${key}`);
  const variables = new Map(Object.entries(component.config ?? {}));
  for (const [name, template] of variables) {
    const at = `${path}.config.${name}`;
    for (const reference of templateReferences(template, (message) => read.fail(at, message))) {
      if (!appVariables.has(reference)) {
        read.fail(at, `template refers to "{{ ${reference} }}", which is not among the app's variables`);
      }
    }
  }
  const description = read.optionalString(metadata['description'], `${path}.metadata.description`);
  return {
    id: component.id,
    fieldPath: path,
    ...(description === undefined ? {} : { description }),
    source: { kind: 'file', path: paths.wasmPath(contentDigest(component.source)) },
    files: (component.files ?? []).map((file, index): FileMount => {
      const at = `${path}.files[${String(index)}].path`;
      // Spin writes paths relative to the guest's `/`; an absolute one means the same place.
      if (file.path.split('/').includes('..')) read.fail(at, `"${file.path}" leaves the guest's "/"`);
      const destination = posix.normalize(`/${file.path}`);
      if (destination === '/') read.fail(at, 'a file needs a path below "/"');
      return { kind: 'file', source: paths.dataPath(contentDigest(file)), destination };
    }),
    excludeFiles: [],
    allowedOutboundHosts: list('allowed_outbound_hosts'),
    keyValueStores: list('key_value_stores'),
    sqliteDatabases: list('databases'),
    aiModels: list('ai_models'),
    environment: new Map(Object.entries(component.env ?? {})),
    variables,
  };
}

function readTrigger(
  read: JsonReader,
  trigger: LockedTrigger,
  path: string,
  components: ReadonlyMap<string, ComponentSpec>,
): HttpTrigger {
  if (trigger.trigger_type !== 'http') {
    read.fail(
      `${path}.trigger_type`,
      `trigger type "${trigger.trigger_type}" is not supported; this runtime serves HTTP triggers`,
    );
  }
  const config = trigger.trigger_config;
  const at = `${path}.trigger_config`;
  if (config['components'] !== undefined) {
    read.fail(`${at}.components`, 'trigger "components" (middleware) are not supported');
  }
  const component = read.string(config['component'], `${at}.component`);
  if (!components.has(component)) read.fail(`${at}.component`, `no component "${component}" in "components"`);
  return {
    id: trigger.id,
    route: readRoute(read, config['route'], `${at}.route`),
    component,
    executor: readExecutor(read, config['executor'], `${at}.executor`),
  };
}

function readRoute(read: JsonReader, value: unknown, path: string): HttpRoute {
  if (typeof value === 'string') {
    if (!value.startsWith('/')) read.fail(path, `route "${value}" must start with "/"`);
    return { kind: 'path', path: value };
  }
  if (isJsonObject(value) && value['private'] === true) return { kind: 'private' };
  return read.fail(path, 'expected a route such as "/..." or { "private": true }');
}

function readExecutor(read: JsonReader, value: unknown, path: string): HttpExecutor {
  const executor = read.optionalObject(value, path);
  if (!executor) return { type: 'spin' };
  const type = read.string(executor['type'], `${path}.type`);
  if (type === 'spin') return { type };
  if (type !== 'wagi')
    read.fail(`${path}.type`, `unknown executor type "${type}"; expected "spin" or "wagi"`);
  const argv = read.optionalString(executor['argv'], `${path}.argv`);
  const entrypoint = read.optionalString(executor['entrypoint'], `${path}.entrypoint`);
  return {
    type,
    ...(argv === undefined ? {} : { argv }),
    ...(entrypoint === undefined ? {} : { entrypoint }),
  };
}
