/**
 * A TOML document with the line of every key, so manifest errors can point at `spin.toml:12`. Parsed with
 * toml-eslint-parser, which keeps source locations (plain TOML parsers return values only).
 */
import { getStaticTOMLValue, parseTOML } from 'toml-eslint-parser';
import type { AST } from 'toml-eslint-parser';
import { RuntimeError, type RuntimeErrorCode } from '../errors.js';

export type TomlValue =
  string | number | boolean | bigint | Date | TomlValue[] | { [key: string]: TomlValue };
export type TomlTable = Record<string, TomlValue>;

export interface TomlDocument {
  readonly file: string;
  readonly value: TomlTable;
  /** Line of the key or element at a dotted path (`component.hello.files[1]`), or of its nearest parent. */
  lineOf(path: string): number | undefined;
}

export function parseTomlDocument(
  text: string,
  file: string,
  code: RuntimeErrorCode = 'ManifestSyntax',
): TomlDocument {
  let ast: AST.TOMLProgram;
  try {
    ast = parseTOML(text);
  } catch (error) {
    const e = error as { message?: string; lineNumber?: number };
    throw new RuntimeError(code, `invalid TOML: ${e.message ?? String(error)}`, {
      file,
      ...(e.lineNumber === undefined ? {} : { line: e.lineNumber }),
    });
  }
  const lines = new Map<string, number>();
  const top = ast.body[0];
  for (const node of top.body) {
    if (node.type === 'TOMLKeyValue') indexKeyValue(node, [], lines);
    else {
      const path = node.resolvedKey.map(String);
      // A header also locates each parent table it implies: `[a.b]` puts `a` on that line if nothing did.
      for (let length = 1; length <= path.length; length++) {
        const tablePath = joinPath(path.slice(0, length));
        if (!lines.has(tablePath)) lines.set(tablePath, node.loc.start.line);
      }
      for (const keyValue of node.body) indexKeyValue(keyValue, path, lines);
    }
  }
  const value = getStaticTOMLValue(ast) as TomlTable;
  return {
    file,
    value,
    lineOf(path) {
      for (let p = path; p !== ''; p = parentPath(p)) {
        const line = lines.get(p);
        if (line !== undefined) return line;
      }
      return undefined;
    },
  };
}

function indexKeyValue(node: AST.TOMLKeyValue, prefix: readonly string[], lines: Map<string, number>): void {
  const path = [...prefix, ...node.key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value))];
  lines.set(joinPath(path), node.loc.start.line);
  indexValue(node.value, joinPath(path), lines);
}

function indexValue(node: AST.TOMLContentNode, path: string, lines: Map<string, number>): void {
  if (node.type === 'TOMLInlineTable') {
    for (const keyValue of node.body) {
      const keys = keyValue.key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value));
      const childPath = `${path}.${keys.join('.')}`;
      lines.set(childPath, keyValue.loc.start.line);
      indexValue(keyValue.value, childPath, lines);
    }
  } else if (node.type === 'TOMLArray') {
    node.elements.forEach((element, index) => {
      lines.set(`${path}[${String(index)}]`, element.loc.start.line);
      indexValue(element, `${path}[${String(index)}]`, lines);
    });
  }
}

/** `['trigger', 'http', '0', 'route']` → `trigger.http[0].route` */
function joinPath(parts: readonly string[]): string {
  return parts.reduce(
    (path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part),
    '',
  );
}

function parentPath(path: string): string {
  const match = /^(.*?)(\[\d+\]|\.[^.[\]]+)$/.exec(path);
  return match?.[1] ?? '';
}
