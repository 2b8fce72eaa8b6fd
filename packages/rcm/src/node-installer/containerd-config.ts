/**
 * Adding and removing a shim's runtime in a containerd config file, keeping everything else in the file
 * byte for byte. The file is parsed with a real TOML parser (toml-eslint-parser) to read its `version`,
 * to find a runtime of that name wherever and however it is defined, and to check the result; the runtime
 * is appended as one block between marker comments, so uninstall removes exactly what install added and
 * the file's own bytes come back.
 *
 * Config `version = 3` (containerd 2.x) puts runtimes under `io.containerd.cri.v1.runtime`; anything else
 * (2, or none) under `io.containerd.grpc.v1.cri`, as upstream's installer does.
 */
import { stringify } from 'smol-toml';
import { getStaticTOMLValue, parseTOML } from 'toml-eslint-parser';
import { InstallerError } from './installer-error.js';
import { runtimeOptionValues } from './runtime-options.js';

export interface ShimRuntime {
  /** The runtime (handler) name, e.g. `spin-v2`. */
  readonly name: string;
  /** The shim binary on the node, the runtime's `runtime_type`. */
  readonly binaryPath: string;
  /** `containerdRuntimeOptions` of the Shim: written under the runtime's `options` table. */
  readonly options?: Readonly<Record<string, string>>;
}

export interface ConfigEdit {
  readonly text: string;
  readonly changed: boolean;
  /** Why nothing changed, when it is worth saying (a runtime of that name that is not ours). */
  readonly note?: string;
}

export const GRPC_CRI = 'io.containerd.grpc.v1.cri';
export const CRI_RUNTIME = 'io.containerd.cri.v1.runtime';

type Table = Record<string, unknown>;

/** The plugin that holds CRI runtimes in this config. */
export function runtimesPlugin(config: Table): string {
  return config['version'] === 3 ? CRI_RUNTIME : GRPC_CRI;
}

export function addRuntime(text: string, file: string, runtime: ShimRuntime): ConfigEdit {
  const config = parseConfig(text, file);
  const existing = findBlock(text, runtime.name);
  const plugin = runtimesPlugin(config);
  const wanted = renderBlock(plugin, runtime);
  if (existing) {
    if (existing.block === wanted) return { text, changed: false };
    // Ours, from an earlier install with another binary or options: replaced in place.
    return checked(text.slice(0, existing.start) + wanted + text.slice(existing.end), file, true);
  }
  if (definedRuntime(config, plugin, runtime.name))
    return {
      text,
      changed: false,
      note: `${file} already defines runtime "${runtime.name}" itself; it is left as it is`,
    };
  return checked(`${text}\n${wanted}`, file, true);
}

export function removeRuntime(text: string, file: string, name: string): ConfigEdit {
  parseConfig(text, file);
  const existing = findBlock(text, name);
  if (!existing) return { text, changed: false };
  // The newline install put before the block goes with it.
  const start = existing.start > 0 && text[existing.start - 1] === '\n' ? existing.start - 1 : existing.start;
  return checked(text.slice(0, start) + text.slice(existing.end), file, true);
}

function parseConfig(text: string, file: string): Table {
  try {
    return getStaticTOMLValue(parseTOML(text));
  } catch (error) {
    const where = error as { lineNumber?: number; column?: number; message?: string };
    const position =
      where.lineNumber === undefined ? '' : `:${String(where.lineNumber)}:${String(where.column ?? 0)}`;
    throw new InstallerError(
      'ConfigInvalid',
      `${file}${position}: not valid TOML (${where.message ?? String(error)}); the file was not changed`,
      { cause: error },
    );
  }
}

/** The edit, once the result parses: an edit that would break the file is refused and nothing is written. */
function checked(text: string, file: string, changed: boolean): ConfigEdit {
  try {
    getStaticTOMLValue(parseTOML(text));
  } catch (error) {
    throw new InstallerError(
      'ConfigInvalid',
      `${file}: adding the runtime would make it invalid TOML (${(error as Error).message}); the file was not changed`,
      { cause: error },
    );
  }
  return { text, changed };
}

function definedRuntime(config: Table, plugin: string, name: string): boolean {
  const runtimes = dig(config, ['plugins', plugin, 'containerd', 'runtimes']);
  return runtimes !== undefined && Object.hasOwn(runtimes, name);
}

function dig(table: Table, path: readonly string[]): Table | undefined {
  let current: unknown = table;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Table)[key];
  }
  return typeof current === 'object' && current !== null ? (current as Table) : undefined;
}

const beginMarker = (name: string) => `# BEGIN runtime-class-manager ${name}`;
const endMarker = (name: string) => `# END runtime-class-manager ${name}`;

/** Where the block this installer wrote for `name` sits, if it does. */
function findBlock(text: string, name: string): { start: number; end: number; block: string } | undefined {
  const begin = `${beginMarker(name)}\n`;
  const end = `${endMarker(name)}\n`;
  const start = text.startsWith(begin) ? 0 : nonNegative(text.indexOf(`\n${begin}`), 1);
  if (start === undefined) return undefined;
  const endAt = text.indexOf(end, start);
  if (endAt === -1) return undefined;
  return { start, end: endAt + end.length, block: text.slice(start, endAt + end.length) };
}

function nonNegative(index: number, offset: number): number | undefined {
  return index === -1 ? undefined : index + offset;
}

/** The runtime's tables as TOML, between the markers. */
export function renderBlock(plugin: string, runtime: ShimRuntime): string {
  const table = `plugins.${JSON.stringify(plugin)}.containerd.runtimes.${tomlKey(runtime.name)}`;
  const options = runtimeOptionValues(runtime.options ?? {});
  const lines = [
    beginMarker(runtime.name),
    '# Added by the runtime-class-manager node installer; its uninstall removes this block.',
    `[${table}]`,
    stringify({ runtime_type: runtime.binaryPath }).trim(),
  ];
  if (Object.keys(options).length > 0) lines.push(`[${table}.options]`, stringify(options).trim());
  lines.push(endMarker(runtime.name));
  return `${lines.join('\n')}\n`;
}

function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}
