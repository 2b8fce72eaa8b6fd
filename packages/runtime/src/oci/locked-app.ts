/**
 * Spin's locked app (`spin.lock`), the JSON an artifact carries to describe the app: the shape as Spin
 * writes it (snake_case fields, empty maps and lists left out), and a structural check with JSON field
 * paths. Unknown fields are ignored, as Spin does, except `must_understand` entries and host requirements
 * this runtime cannot honour.
 */
import { sha256Digest } from '@spinkube/oci';
import { JsonReader, type JsonObject } from './json-reader.js';

export interface LockedApp {
  /** 0 when there are no host requirements, else 1 (Spin reads both). */
  readonly spin_lock_version: 0 | 1;
  readonly must_understand?: readonly string[];
  /** `name`, `version`, `description`, `authors`, `triggers: { http: { base } }`, … */
  readonly metadata?: Readonly<JsonObject>;
  readonly host_requirements?: Readonly<JsonObject>;
  readonly variables?: Readonly<Record<string, LockedVariable>>;
  readonly triggers: readonly LockedTrigger[];
  readonly components: readonly LockedComponent[];
}

export interface LockedVariable {
  readonly description?: string;
  /** No default means the variable is required. */
  readonly default?: string;
  readonly secret?: boolean;
}

export interface LockedTrigger {
  readonly id: string;
  readonly trigger_type: string;
  /** For HTTP: `component`, `route` (a path or `{ private: true }`), optionally `executor`. */
  readonly trigger_config: Readonly<JsonObject>;
}

/** Content by digest, or inline (base64) for small files; `source` (a URL) only in local locks. */
export interface ContentRef {
  readonly source?: string;
  readonly inline?: string;
  readonly digest?: string;
}

export interface LockedComponentSource extends ContentRef {
  readonly content_type: string;
}

/** A file and the path (relative to the guest's `/`) it is mounted at. */
export interface ContentPath extends ContentRef {
  readonly path: string;
}

export interface LockedComponent {
  readonly id: string;
  /** `allowed_outbound_hosts`, `key_value_stores`, `databases`, `ai_models`, `description`, … */
  readonly metadata?: Readonly<JsonObject>;
  readonly source: LockedComponentSource;
  readonly env?: Readonly<Record<string, string>>;
  readonly files?: readonly ContentPath[];
  /** Component variables: name → template. */
  readonly config?: Readonly<Record<string, string>>;
  readonly dependencies?: Readonly<JsonObject>;
  readonly host_requirements?: Readonly<JsonObject>;
}

export const MUST_UNDERSTAND = ['host_requirements', 'component_host_requirements'];
/** Components that call `*.spin.internal` require the host to route those calls to the app itself. */
export const SERVICE_CHAINING = 'local_service_chaining';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Parses and checks lock JSON; `file` names the lock in errors. */
export function parseLockedApp(bytes: Uint8Array, file: string): LockedApp {
  const read: JsonReader = new JsonReader(file, 'LockedAppInvalid');
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    read.fail('', `not JSON: ${String(error)}`);
  }
  const root = read.object(value, '');
  const version = root['spin_lock_version'];
  if (!isLockVersion(version)) {
    read.fail('spin_lock_version', `unsupported version ${JSON.stringify(version)} (expected 0 or 1)`);
  }
  const mustUnderstand = read.stringArray(root['must_understand'], 'must_understand');
  mustUnderstand.forEach((entry, index) => {
    if (!MUST_UNDERSTAND.includes(entry)) {
      read.fail(`must_understand[${String(index)}]`, `this runtime does not understand "${entry}"`);
    }
  });
  const hostRequirements = readHostRequirements(read, root['host_requirements'], 'host_requirements');
  const metadata = read.optionalObject(root['metadata'], 'metadata');
  const variables = read.optionalObject(root['variables'], 'variables') ?? {};
  const lock: LockedApp = {
    spin_lock_version: version,
    ...(mustUnderstand.length > 0 ? { must_understand: mustUnderstand } : {}),
    ...(metadata ? { metadata } : {}),
    ...(hostRequirements ? { host_requirements: hostRequirements } : {}),
    variables: Object.fromEntries(
      Object.entries(variables).map(([name, item]) => [name, readVariable(read, item, `variables.${name}`)]),
    ),
    triggers: read.array(root['triggers'], 'triggers').map((item, index) => {
      const path = `triggers[${String(index)}]`;
      const trigger = read.object(item, path);
      return {
        id: read.string(trigger['id'], `${path}.id`),
        trigger_type: read.string(trigger['trigger_type'], `${path}.trigger_type`),
        trigger_config: read.object(trigger['trigger_config'], `${path}.trigger_config`),
      };
    }),
    components: read
      .array(root['components'], 'components')
      .map((item, index) => readComponent(read, item, `components[${String(index)}]`)),
  };
  return lock;
}

/** The digest a content ref stands for: its own, or that of its inline bytes. */
export function contentDigest(content: ContentRef): string {
  return content.digest ?? sha256Digest(inlineBytes(content));
}

export function inlineBytes(content: ContentRef): Uint8Array {
  return Buffer.from(content.inline ?? '', 'base64');
}

/** The lock as the JSON layer of an artifact; field order follows Spin's. */
export function serializeLockedApp(lock: LockedApp): Uint8Array {
  return Buffer.from(JSON.stringify(lock));
}

function isLockVersion(value: unknown): value is 0 | 1 {
  return value === 0 || value === 1;
}

function readVariable(read: JsonReader, value: unknown, path: string): LockedVariable {
  const variable = read.object(value, path);
  const description = read.optionalString(variable['description'], `${path}.description`);
  const fallback = read.optionalString(variable['default'], `${path}.default`);
  return {
    ...(description === undefined ? {} : { description }),
    ...(fallback === undefined ? {} : { default: fallback }),
    secret: read.boolean(variable['secret'], `${path}.secret`, false),
  };
}

function readComponent(read: JsonReader, value: unknown, path: string): LockedComponent {
  const component = read.object(value, path);
  const source = read.object(component['source'], `${path}.source`);
  const dependencies = read.optionalObject(component['dependencies'], `${path}.dependencies`);
  if (dependencies && Object.keys(dependencies).length > 0) {
    read.fail(`${path}.dependencies`, 'component dependencies are not supported; push the app composed');
  }
  const metadata = read.optionalObject(component['metadata'], `${path}.metadata`);
  const hostRequirements = readHostRequirements(
    read,
    component['host_requirements'],
    `${path}.host_requirements`,
  );
  return {
    id: read.string(component['id'], `${path}.id`),
    ...(metadata ? { metadata } : {}),
    source: {
      content_type: read.string(source['content_type'], `${path}.source.content_type`),
      ...readContent(read, source, `${path}.source`),
    },
    env: Object.fromEntries(read.stringMap(component['env'], `${path}.env`)),
    files: read.array(component['files'], `${path}.files`).map((item, index) => {
      const filePath = `${path}.files[${String(index)}]`;
      const file = read.object(item, filePath);
      return { ...readContent(read, file, filePath), path: read.string(file['path'], `${filePath}.path`) };
    }),
    config: Object.fromEntries(read.stringMap(component['config'], `${path}.config`)),
    ...(hostRequirements ? { host_requirements: hostRequirements } : {}),
  };
}

/** An artifact's content must be addressed by digest or carried inline; a `source` URL is local. */
function readContent(read: JsonReader, content: JsonObject, path: string): ContentRef {
  const digest = read.optionalString(content['digest'], `${path}.digest`);
  const inline = read.optionalString(content['inline'], `${path}.inline`);
  if (digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(digest)) {
    read.fail(`${path}.digest`, `expected sha256:<64 hex digits>, found "${digest}"`);
  }
  if (inline !== undefined && !BASE64.test(inline)) read.fail(`${path}.inline`, 'expected base64 content');
  if (digest === undefined && inline === undefined) {
    read.fail(
      path,
      'content needs a "digest" or "inline" content; a "source" URL cannot be resolved from an artifact',
    );
  }
  return { ...(inline === undefined ? {} : { inline }), ...(digest === undefined ? {} : { digest }) };
}

function readHostRequirements(read: JsonReader, value: unknown, path: string): JsonObject | undefined {
  const requirements = read.optionalObject(value, path);
  if (!requirements) return undefined;
  const required = Object.entries(requirements).filter(([, level]) => level !== 'optional');
  for (const [name] of required) {
    if (name !== SERVICE_CHAINING)
      read.fail(`${path}.${name}`, `this runtime does not support the host feature "${name}"`);
  }
  return required.length > 0 ? Object.fromEntries(required) : undefined;
}
