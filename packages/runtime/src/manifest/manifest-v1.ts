/**
 * Converts a version 1 manifest (`spin_manifest_version = "1"`, `[[component]]` with `[component.trigger]`)
 * into the version 2 shape, so one reader validates both. Line numbers of the v1 fields are kept by
 * mapping each v2 path back to the v1 path it came from.
 */
import { FieldReader, isTable } from './field-reader.js';
import type { TomlDocument, TomlTable, TomlValue } from './toml-document.js';

const TOP_LEVEL_V1 = [
  'spin_manifest_version',
  'spin_version',
  'name',
  'version',
  'description',
  'authors',
  'trigger',
  'variables',
  'component',
];
const COMPONENT_V1 = [
  'id',
  'description',
  'source',
  'files',
  'exclude_files',
  'allowed_http_hosts',
  'allowed_outbound_hosts',
  'key_value_stores',
  'sqlite_databases',
  'ai_models',
  'environment',
  'trigger',
  'config',
  'build',
];

export function convertManifestV1(document: TomlDocument): TomlDocument {
  const read = new FieldReader(document);
  const v1 = document.value;
  read.onlyKeys(v1, '', TOP_LEVEL_V1);
  const trigger = read.table(v1['trigger'], 'trigger');
  const triggerType = read.string(trigger['type'], 'trigger.type');
  if (triggerType !== 'http')
    read.fail(
      'trigger.type',
      `trigger type "${triggerType}" is not supported; this runtime serves HTTP triggers`,
    );
  const pathMap = new Map<string, string>([
    ['application.name', 'name'],
    ['application.version', 'version'],
    ['application.description', 'description'],
    ['application.authors', 'authors'],
    ['application.trigger.http.base', 'trigger.base'],
  ]);

  const components: TomlTable = {};
  const httpTriggers: TomlValue[] = [];
  read.array(v1['component'], 'component').forEach((value, index) => {
    const v1Path = `component[${String(index)}]`;
    const component = read.table(value, v1Path);
    read.onlyKeys(component, v1Path, COMPONENT_V1);
    const id = read.string(component['id'], `${v1Path}.id`);
    const componentTrigger = read.table(component['trigger'], `${v1Path}.trigger`);
    const { id: _id, trigger: _trigger, config, allowed_http_hosts: httpHosts, ...rest } = component;
    const converted: TomlTable = { ...rest };
    if (config !== undefined) converted['variables'] = config;
    // v1 allowed_http_hosts listed hosts; v2 lists URLs with schemes. "insecure:allow-all" allowed anything.
    if (httpHosts !== undefined) {
      converted['allowed_outbound_hosts'] = read
        .stringArray(httpHosts, `${v1Path}.allowed_http_hosts`)
        .flatMap((host) =>
          host === 'insecure:allow-all'
            ? ['http://*:*', 'https://*:*']
            : [`http://${host}`, `https://${host}`],
        );
    }
    if (components[id] !== undefined) read.fail(`${v1Path}.id`, `duplicate component id "${id}"`);
    components[id] = converted;
    const v2Path = `component.${id}`;
    pathMap.set(v2Path, v1Path);
    for (const key of Object.keys(rest)) pathMap.set(`${v2Path}.${key}`, `${v1Path}.${key}`);
    if (config !== undefined) pathMap.set(`${v2Path}.variables`, `${v1Path}.config`);

    const triggerPath = `trigger.http[${String(httpTriggers.length)}]`;
    httpTriggers.push({ ...componentTrigger, component: id });
    pathMap.set(triggerPath, `${v1Path}.trigger`);
    for (const key of Object.keys(componentTrigger))
      pathMap.set(`${triggerPath}.${key}`, `${v1Path}.trigger.${key}`);
  });

  const { type: _type, base, ...triggerRest } = trigger;
  if (Object.keys(triggerRest).length > 0) read.onlyKeys(triggerRest, 'trigger', []);
  const application: TomlTable = { name: read.string(v1['name'], 'name') };
  for (const key of ['version', 'description', 'authors'] as const) {
    const value = v1[key];
    if (value !== undefined) application[key] = value;
  }
  if (base !== undefined) application['trigger'] = { http: { base } };

  const v2: TomlTable = {
    spin_manifest_version: 2,
    application,
    component: components,
    trigger: { http: httpTriggers },
  };
  if (v1['variables'] !== undefined) {
    v2['variables'] = v1['variables'];
    for (const name of Object.keys(isTable(v1['variables']) ? v1['variables'] : {}))
      pathMap.set(`variables.${name}`, `variables.${name}`);
  }
  return {
    file: document.file,
    value: v2,
    lineOf(path) {
      for (const [v2Path, v1Path] of [...pathMap].sort(([a], [b]) => b.length - a.length)) {
        if (path === v2Path || path.startsWith(`${v2Path}.`) || path.startsWith(`${v2Path}[`)) {
          return document.lineOf(v1Path + path.slice(v2Path.length));
        }
      }
      return document.lineOf(path);
    },
  };
}
