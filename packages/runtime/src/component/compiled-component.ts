/**
 * A component made ready to run many times: transpiled once by jco into JS glue plus core modules, cached
 * on disk under the component's sha256 digest (so a restart skips transpilation), and its core modules
 * compiled once. A module that defines its own memory is rewritten to import it, so the host controls the
 * memory's maximum and can reuse memories between instances. The compiled modules and the glue's path are
 * plain data a worker thread can receive; workers instantiate (see component-instance.ts).
 *
 * Within a process, a component is compiled once for all the apps that use it (see `compiled` below).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RuntimeError } from '../errors.js';
import { componentImports } from './component-imports.js';
import { importMemory, type MemoryPlan } from './imported-memory.js';

const GLUE_NAME = 'component';
/**
 * `.mjs`, so Node loads the glue as an ES module whatever package.json sits above the cache directory
 * (an app directory with a CommonJS package.json would otherwise break it).
 */
const GLUE_FILE = `${GLUE_NAME}.mjs`;
/** The component's versioned imports, listed once at transpile time so later starts skip wasm-tools. */
const IMPORTS_FILE = 'imports.json';
/** Bumped when the transpile options change, so old cache entries are not reused. */
const CACHE_LAYOUT = 'v2';

export interface CompileOptions {
  /** The largest linear memory an instance may grow to, in bytes (`SPIN_MAX_INSTANCE_MEMORY`). */
  readonly maxInstanceMemory?: number;
}

export interface CompiledComponent {
  /** `sha256:<hex>` of the component bytes. */
  readonly digest: string;
  /** Whether the transpiled output came from the cache. */
  readonly fromCache: boolean;
  /** The interfaces the component imports, with versions (`wasi:http/types@0.2.3`). */
  readonly imports: readonly string[];
  /** The glue module (`instantiate(getCoreModule, imports, instantiateCore)`). */
  readonly gluePath: string;
  /** Every core module the glue asks for, by file name. */
  readonly modules: ReadonlyMap<string, WebAssembly.Module>;
  /** Modules whose memory the host supplies, with its size. */
  readonly memories: ReadonlyMap<string, MemoryPlan>;
}

/**
 * The components this process has compiled, so that N apps built from the same component share one set
 * of compiled modules (and, in each worker, one glue module, which is imported by path). The key is the
 * sha256 of the bytes themselves, hashed on every call and never taken from a digest someone claims, plus
 * everything that changes the output (the memory limit, and the cache directory the glue path is in). An
 * entry lasts as long as its modules are in use: the map holds them weakly and the result hangs off them
 * in a WeakMap, so apps coming and going for days do not pile up compiled code.
 */
const compiled = new Map<string, WeakRef<ReadonlyMap<string, WebAssembly.Module>>>();
const resultOf = new WeakMap<ReadonlyMap<string, WebAssembly.Module>, CompiledComponent>();
const compiling = new Map<string, Promise<CompiledComponent>>();
const forget = new FinalizationRegistry<string>((key) => {
  if (!compiled.get(key)?.deref()) compiled.delete(key);
});

export async function compileComponent(
  component: Uint8Array,
  cacheDir: string,
  options: CompileOptions = {},
): Promise<CompiledComponent> {
  const hex = createHash('sha256').update(component).digest('hex');
  const limitPages =
    options.maxInstanceMemory === undefined ? undefined : Math.floor(options.maxInstanceMemory / 65_536);
  const key = [hex, String(limitPages ?? 'unlimited'), resolve(cacheDir)].join('\0');
  const modules = compiled.get(key)?.deref();
  const known = modules && resultOf.get(modules);
  if (known) return { ...known, fromCache: true };
  let pending = compiling.get(key);
  if (!pending) {
    pending = compileUnshared(component, hex, cacheDir, limitPages)
      .then((result) => {
        compiled.set(key, new WeakRef(result.modules));
        resultOf.set(result.modules, result);
        forget.register(result.modules, key);
        return result;
      })
      .finally(() => compiling.delete(key));
    compiling.set(key, pending);
  }
  return pending;
}

async function compileUnshared(
  component: Uint8Array,
  hex: string,
  cacheDir: string,
  limitPages: number | undefined,
): Promise<CompiledComponent> {
  const dir = join(cacheDir, 'transpiled', CACHE_LAYOUT, hex);
  const fromCache = existsSync(join(dir, GLUE_FILE)) && existsSync(join(dir, IMPORTS_FILE));
  if (!fromCache) await transpileInto(component, dir);
  const imports = JSON.parse(readFileSync(join(dir, IMPORTS_FILE), 'utf8')) as string[];

  const modules = new Map<string, WebAssembly.Module>();
  const memories = new Map<string, MemoryPlan>();
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.wasm'))) {
    const bytes = readFileSync(join(dir, name));
    const rewritten = importMemory(bytes, limitPages);
    modules.set(name, await WebAssembly.compile(rewritten?.bytes ?? bytes));
    if (rewritten) memories.set(name, rewritten.memory);
  }
  return {
    digest: `sha256:${hex}`,
    fromCache,
    imports,
    gluePath: join(dir, GLUE_FILE),
    modules,
    memories,
  };
}

async function transpileInto(component: Uint8Array, dir: string): Promise<void> {
  // Imported here, not at the top: a warm cache never needs it, and it adds to every start.
  const { transpileBytes } = await import('@bytecodealliance/jco-transpile');
  let result;
  try {
    result = await transpileBytes(component, {
      name: GLUE_NAME,
      instantiation: 'sync',
      emitTypescriptDeclarations: false,
    });
  } catch (error) {
    throw new RuntimeError(
      'ComponentInvalid',
      `not a valid WebAssembly component: ${String(error)}`,
      undefined,
      { cause: error },
    );
  }
  // Written next to the final place and renamed, so a crash never leaves a half-written cache entry.
  const scratch = `${dir}.partial-${String(process.pid)}`;
  rmSync(scratch, { recursive: true, force: true });
  for (const [name, bytes] of Object.entries(result.files)) {
    const isGlue = name === `${GLUE_NAME}.js`;
    const target = join(scratch, isGlue ? GLUE_FILE : name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, isGlue ? patchGlue(Buffer.from(bytes).toString('utf8')) : bytes);
  }
  writeFileSync(join(scratch, IMPORTS_FILE), JSON.stringify(await componentImports(component)));
  mkdirSync(dirname(dir), { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(scratch, dir);
}

/**
 * jco 1.x glue asks `globalThis?.process?.env?.JCO_DEBUG` on every call into or out of the guest — hundreds
 * of environment lookups per request, a quarter of the time a small component takes. Read it once instead;
 * the behaviour (debug logging when JCO_DEBUG is set) is unchanged.
 */
export function patchGlue(glue: string): string {
  const check = 'if (!globalThis?.process?.env?.JCO_DEBUG) { return; }';
  if (!glue.includes(check)) return glue;
  return `const JCO_DEBUG_ONCE = Boolean(globalThis.process?.env?.JCO_DEBUG);\n${glue.replaceAll(check, 'if (!JCO_DEBUG_ONCE) { return; }')}`;
}
