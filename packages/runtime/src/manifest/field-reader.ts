/**
 * Typed reads of manifest fields that fail with the file, line and field path of the offending value.
 */
import { RuntimeError, type RuntimeErrorCode } from '../errors.js';
import type { TomlDocument, TomlTable, TomlValue } from './toml-document.js';

export class FieldReader {
  constructor(
    readonly document: TomlDocument,
    private readonly code: RuntimeErrorCode = 'ManifestInvalid',
  ) {}

  fail(path: string, message: string): never {
    const line = this.document.lineOf(path);
    throw new RuntimeError(this.code, message, {
      file: this.document.file,
      field: path,
      ...(line === undefined ? {} : { line }),
    });
  }

  /** Refuses keys the manifest format does not define, as Spin does. */
  onlyKeys(table: TomlTable, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(table)) {
      if (!allowed.includes(key)) {
        this.fail(join(path, key), `unknown field "${key}"; expected one of: ${allowed.join(', ')}`);
      }
    }
  }

  table(value: TomlValue | undefined, path: string): TomlTable {
    if (!isTable(value)) this.fail(path, `expected a table, found ${describe(value)}`);
    return value;
  }

  optionalTable(value: TomlValue | undefined, path: string): TomlTable | undefined {
    return value === undefined ? undefined : this.table(value, path);
  }

  string(value: TomlValue | undefined, path: string): string {
    if (typeof value !== 'string') this.fail(path, `expected a string, found ${describe(value)}`);
    return value;
  }

  optionalString(value: TomlValue | undefined, path: string): string | undefined {
    return value === undefined ? undefined : this.string(value, path);
  }

  boolean(value: TomlValue | undefined, path: string, fallback: boolean): boolean {
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') this.fail(path, `expected true or false, found ${describe(value)}`);
    return value;
  }

  array(value: TomlValue | undefined, path: string): TomlValue[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) this.fail(path, `expected an array, found ${describe(value)}`);
    return value;
  }

  stringArray(value: TomlValue | undefined, path: string): string[] {
    return this.array(value, path).map((item, index) => this.string(item, `${path}[${String(index)}]`));
  }

  stringMap(value: TomlValue | undefined, path: string): Map<string, string> {
    const table = this.optionalTable(value, path) ?? {};
    return new Map(Object.entries(table).map(([key, item]) => [key, this.string(item, join(path, key))]));
  }
}

export function isTable(value: TomlValue | undefined): value is TomlTable {
  return typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function describe(value: TomlValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return 'a table';
  return `${typeof value === 'bigint' ? 'integer' : typeof value} ${JSON.stringify(typeof value === 'bigint' ? value.toString() : value)}`;
}
