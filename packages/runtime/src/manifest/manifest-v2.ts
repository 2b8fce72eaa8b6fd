/**
 * Reads a version 2 manifest into an `AppManifest`, with Spin's rules: unknown fields are refused,
 * component ids are kebab-case, variable names snake_case, every trigger names a component that exists, and
 * component variable templates only use declared application variables.
 */
import { FieldReader, isTable, join } from './field-reader.js';
import { templateReferences } from './template.js';
import type { TomlDocument, TomlTable, TomlValue } from './toml-document.js';
import type {
  AppManifest,
  ApplicationInfo,
  ComponentSource,
  ComponentSpec,
  FileMount,
  HttpExecutor,
  HttpRoute,
  HttpTrigger,
  VariableDeclaration,
} from './types.js';

const TOP_LEVEL = ['spin_manifest_version', 'application', 'variables', 'trigger', 'component'];
const APPLICATION = ['name', 'version', 'description', 'authors', 'targets', 'trigger', 'tool'];
const VARIABLE = ['default', 'required', 'secret'];
const HTTP_TRIGGER = ['id', 'route', 'component', 'components', 'executor'];
const COMPONENT = [
  'description',
  'source',
  'files',
  'exclude_files',
  'allowed_outbound_hosts',
  'allowed_http_hosts',
  'key_value_stores',
  'sqlite_databases',
  'ai_models',
  'environment',
  'variables',
  'build',
  'tool',
  'dependencies_inherit_configuration',
  'dependencies',
];
const KEBAB_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const SNAKE_NAME = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

export function readManifestV2(document: TomlDocument, dir: string): AppManifest {
  const read = new FieldReader(document);
  const root = document.value;
  read.onlyKeys(root, '', TOP_LEVEL);

  const application = readApplication(read, read.table(root['application'], 'application'));
  const variables = readVariables(read, read.optionalTable(root['variables'], 'variables') ?? {});
  const components = new Map<string, ComponentSpec>();
  for (const [id, value] of Object.entries(read.optionalTable(root['component'], 'component') ?? {})) {
    const path = join('component', id);
    if (!KEBAB_ID.test(id))
      read.fail(path, `component id "${id}" must be kebab-case (lowercase letters, digits, single hyphens)`);
    components.set(id, readComponent(read, id, read.table(value, path), path, variables));
  }

  const triggers = read.optionalTable(root['trigger'], 'trigger') ?? {};
  const httpTriggers: HttpTrigger[] = [];
  for (const [type, list] of Object.entries(triggers)) {
    if (type !== 'http')
      read.fail(
        join('trigger', type),
        `trigger type "${type}" is not supported; this runtime serves HTTP triggers`,
      );
    read.array(list, 'trigger.http').forEach((value, index) => {
      const path = `trigger.http[${String(index)}]`;
      httpTriggers.push(readHttpTrigger(read, read.table(value, path), path, index, components, variables));
    });
  }
  const ids = new Set<string>();
  httpTriggers.forEach((trigger, index) => {
    if (ids.has(trigger.id))
      read.fail(`trigger.http[${String(index)}].id`, `duplicate trigger id "${trigger.id}"`);
    ids.add(trigger.id);
  });

  return {
    file: document.file,
    dir,
    application,
    variables,
    httpTriggers,
    components,
    lineOf: (field) => document.lineOf(field),
  };
}

function readApplication(read: FieldReader, table: TomlTable): ApplicationInfo {
  read.onlyKeys(table, 'application', APPLICATION);
  const httpSettings = read.optionalTable(
    read.optionalTable(table['trigger'], 'application.trigger')?.['http'],
    'application.trigger.http',
  );
  const base = read.optionalString(httpSettings?.['base'], 'application.trigger.http.base') ?? '/';
  if (!base.startsWith('/')) read.fail('application.trigger.http.base', `base "${base}" must start with "/"`);
  const version = read.optionalString(table['version'], 'application.version');
  const description = read.optionalString(table['description'], 'application.description');
  return {
    name: read.string(table['name'], 'application.name'),
    ...(version === undefined ? {} : { version }),
    ...(description === undefined ? {} : { description }),
    authors: read.stringArray(table['authors'], 'application.authors'),
    httpBase: base,
  };
}

function readVariables(read: FieldReader, table: TomlTable): Map<string, VariableDeclaration> {
  const variables = new Map<string, VariableDeclaration>();
  for (const [name, value] of Object.entries(table)) {
    const path = join('variables', name);
    if (!SNAKE_NAME.test(name))
      read.fail(
        path,
        `variable name "${name}" must be snake_case (lowercase letters, digits, single underscores)`,
      );
    const declaration = read.table(value, path);
    read.onlyKeys(declaration, path, VARIABLE);
    const fallback = read.optionalString(declaration['default'], join(path, 'default'));
    const required = read.boolean(declaration['required'], join(path, 'required'), false);
    if (required && fallback !== undefined)
      read.fail(path, `variable "${name}" cannot be both required and have a default`);
    variables.set(name, {
      ...(fallback === undefined ? {} : { default: fallback }),
      required,
      secret: read.boolean(declaration['secret'], join(path, 'secret'), false),
    });
  }
  return variables;
}

function readHttpTrigger(
  read: FieldReader,
  table: TomlTable,
  path: string,
  index: number,
  components: Map<string, ComponentSpec>,
  variables: ReadonlyMap<string, VariableDeclaration>,
): HttpTrigger {
  read.onlyKeys(table, path, HTTP_TRIGGER);
  if (table['components'] !== undefined)
    read.fail(
      join(path, 'components'),
      'trigger "components" (middleware) are not supported; use "component"',
    );
  const route = readRoute(read, table['route'], join(path, 'route'));
  const explicitId = read.optionalString(table['id'], join(path, 'id'));
  const reference = table['component'];
  let component: string;
  if (typeof reference === 'string') {
    if (!components.has(reference)) {
      read.fail(
        join(path, 'component'),
        `component "${reference}" is not defined; define it as [component.${reference}]`,
      );
    }
    component = reference;
  } else if (isTable(reference)) {
    // An inline component takes the trigger's id, as in Spin, or a generated one.
    component = explicitId ?? `inline-component-${String(index)}`;
    if (components.has(component))
      read.fail(
        join(path, 'component'),
        `inline component id "${component}" clashes with [component.${component}]`,
      );
    components.set(component, readComponent(read, component, reference, join(path, 'component'), variables));
  } else {
    read.fail(join(path, 'component'), 'expected a component id or an inline component table');
  }
  return {
    id: explicitId ?? `trigger-${String(index)}`,
    route,
    component,
    executor: readExecutor(read, table['executor'], join(path, 'executor')),
  };
}

function readRoute(read: FieldReader, value: TomlValue | undefined, path: string): HttpRoute {
  if (typeof value === 'string') {
    if (!value.startsWith('/')) read.fail(path, `route "${value}" must start with "/"`);
    return { kind: 'path', path: value };
  }
  if (isTable(value)) {
    read.onlyKeys(value, path, ['private']);
    if (value['private'] !== true) read.fail(path, 'a route table must be { private = true }');
    return { kind: 'private' };
  }
  return read.fail(path, 'expected a route string such as "/..." or { private = true }');
}

function readExecutor(read: FieldReader, value: TomlValue | undefined, path: string): HttpExecutor {
  if (value === undefined) return { type: 'spin' };
  const table = read.table(value, path);
  const type = read.string(table['type'], join(path, 'type'));
  if (type === 'spin') {
    read.onlyKeys(table, path, ['type']);
    return { type };
  }
  if (type === 'wagi') {
    read.onlyKeys(table, path, ['type', 'argv', 'entrypoint']);
    const argv = read.optionalString(table['argv'], join(path, 'argv'));
    const entrypoint = read.optionalString(table['entrypoint'], join(path, 'entrypoint'));
    return {
      type,
      ...(argv === undefined ? {} : { argv }),
      ...(entrypoint === undefined ? {} : { entrypoint }),
    };
  }
  return read.fail(join(path, 'type'), `unknown executor type "${type}"; expected "spin" or "wagi"`);
}

function readComponent(
  read: FieldReader,
  id: string,
  table: TomlTable,
  path: string,
  appVariables: ReadonlyMap<string, VariableDeclaration>,
): ComponentSpec {
  read.onlyKeys(table, path, COMPONENT);
  if (table['allowed_http_hosts'] !== undefined) {
    read.fail(
      join(path, 'allowed_http_hosts'),
      'allowed_http_hosts is a version 1 field; use allowed_outbound_hosts',
    );
  }
  const variables = read.stringMap(table['variables'], join(path, 'variables'));
  for (const [name, template] of variables) {
    const at = join(join(path, 'variables'), name);
    if (!SNAKE_NAME.test(name)) read.fail(at, `variable name "${name}" must be snake_case`);
    for (const reference of templateReferences(template, (message) => read.fail(at, message))) {
      if (!appVariables.has(reference)) {
        read.fail(at, `template refers to "{{ ${reference} }}", which is not declared in [variables]`);
      }
    }
  }
  const description = read.optionalString(table['description'], join(path, 'description'));
  return {
    id,
    fieldPath: path,
    ...(description === undefined ? {} : { description }),
    source: readSource(read, table['source'], join(path, 'source')),
    files: read
      .array(table['files'], join(path, 'files'))
      .map((value, index) => readFileMount(read, value, `${join(path, 'files')}[${String(index)}]`)),
    excludeFiles: read.stringArray(table['exclude_files'], join(path, 'exclude_files')),
    allowedOutboundHosts: read.stringArray(
      table['allowed_outbound_hosts'],
      join(path, 'allowed_outbound_hosts'),
    ),
    keyValueStores: read.stringArray(table['key_value_stores'], join(path, 'key_value_stores')),
    sqliteDatabases: read.stringArray(table['sqlite_databases'], join(path, 'sqlite_databases')),
    aiModels: read.stringArray(table['ai_models'], join(path, 'ai_models')),
    environment: read.stringMap(table['environment'], join(path, 'environment')),
    variables,
  };
}

function readSource(read: FieldReader, value: TomlValue | undefined, path: string): ComponentSource {
  if (typeof value === 'string') return { kind: 'file', path: value };
  if (isTable(value) && 'url' in value) {
    read.onlyKeys(value, path, ['url', 'digest']);
    const digest = read.string(value['digest'], join(path, 'digest'));
    if (!/^sha256:[0-9a-f]{64}$/.test(digest))
      read.fail(join(path, 'digest'), `digest must be "sha256:" and 64 hex digits, found "${digest}"`);
    return { kind: 'url', url: read.string(value['url'], join(path, 'url')), digest };
  }
  if (isTable(value) && 'package' in value) {
    read.onlyKeys(value, path, ['registry', 'package', 'version']);
    const registry = read.optionalString(value['registry'], join(path, 'registry'));
    return {
      kind: 'registry',
      ...(registry === undefined ? {} : { registry }),
      package: read.string(value['package'], join(path, 'package')),
      version: read.string(value['version'], join(path, 'version')),
    };
  }
  if (value === undefined) return read.fail(path, 'missing: every component needs a source');
  return read.fail(path, 'expected a path string, { url, digest } or { registry, package, version }');
}

function readFileMount(read: FieldReader, value: TomlValue, path: string): FileMount {
  if (typeof value === 'string') return { kind: 'glob', pattern: value };
  const table = read.table(value, path);
  read.onlyKeys(table, path, ['source', 'destination']);
  const destination = read.string(table['destination'], join(path, 'destination'));
  if (!destination.startsWith('/'))
    read.fail(join(path, 'destination'), `destination "${destination}" must be an absolute path`);
  return { kind: 'placement', source: read.string(table['source'], join(path, 'source')), destination };
}
