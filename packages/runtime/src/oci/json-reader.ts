/** Typed reads of JSON values that fail with the JSON field path (`components[0].source.digest`). */
import { RuntimeError, type RuntimeErrorCode } from '../errors.js';

export type JsonObject = Record<string, unknown>;

export class JsonReader {
  constructor(
    /** Names the document in errors (a reference, a file). */
    readonly file: string,
    private readonly code: RuntimeErrorCode,
  ) {}

  fail(path: string, message: string): never {
    throw new RuntimeError(this.code, message, { file: this.file, ...(path === '' ? {} : { field: path }) });
  }

  object(value: unknown, path: string): JsonObject {
    if (!isJsonObject(value)) this.fail(path, `expected an object, found ${describe(value)}`);
    return value;
  }

  optionalObject(value: unknown, path: string): JsonObject | undefined {
    return value === undefined || value === null ? undefined : this.object(value, path);
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string') this.fail(path, `expected a string, found ${describe(value)}`);
    return value;
  }

  optionalString(value: unknown, path: string): string | undefined {
    return value === undefined || value === null ? undefined : this.string(value, path);
  }

  boolean(value: unknown, path: string, fallback: boolean): boolean {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') this.fail(path, `expected true or false, found ${describe(value)}`);
    return value;
  }

  /** An array; absent means empty, as Spin's lock omits empty lists. */
  array(value: unknown, path: string): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) this.fail(path, `expected an array, found ${describe(value)}`);
    return value;
  }

  stringArray(value: unknown, path: string): string[] {
    return this.array(value, path).map((item, index) => this.string(item, `${path}[${String(index)}]`));
  }

  /** An object of strings; absent means empty. */
  stringMap(value: unknown, path: string): Map<string, string> {
    const object = this.optionalObject(value, path) ?? {};
    return new Map(Object.entries(object).map(([key, item]) => [key, this.string(item, `${path}.${key}`)]));
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}
