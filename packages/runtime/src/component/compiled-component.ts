/**
 * A component made ready to run many times: transpiled once by jco into JS glue plus core modules, cached
 * on disk under the component's sha256 digest (so a restart skips transpilation), and its core modules
 * compiled once. Each `instantiate()` then gives a fresh instance — new memories, tables and handle
 * tables — bound to the host imports passed in.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { RuntimeError } from '../errors.js';
import { componentImports } from './component-imports.js';

const GLUE_NAME = 'component';
/** The component's versioned imports, listed once at transpile time so later starts skip wasm-tools. */
const IMPORTS_FILE = 'imports.json';
/** Bumped when the transpile options change, so old cache entries are not reused. */
const CACHE_LAYOUT = 'v1';

type Instantiate = (
  getCoreModule: (name: string) => WebAssembly.Module,
  imports: object,
) => Record<string, unknown>;

export interface CompiledComponent {
  /** `sha256:<hex>` of the component bytes. */
  readonly digest: string;
  /** Whether the transpiled output came from the cache. */
  readonly fromCache: boolean;
  /** The interfaces the component imports, with versions (`wasi:http/types@0.2.3`). */
  readonly imports: readonly string[];
  /** A fresh instance; the returned object holds the exports (e.g. `incomingHandler`). */
  instantiate(imports: object): Record<string, unknown>;
}

export async function compileComponent(component: Uint8Array, cacheDir: string): Promise<CompiledComponent> {
  const hex = createHash('sha256').update(component).digest('hex');
  const dir = join(cacheDir, 'transpiled', CACHE_LAYOUT, hex);
  const fromCache = existsSync(join(dir, `${GLUE_NAME}.js`)) && existsSync(join(dir, IMPORTS_FILE));
  if (!fromCache) await transpileInto(component, dir);
  const imports = JSON.parse(readFileSync(join(dir, IMPORTS_FILE), 'utf8')) as string[];

  const glue = (await import(pathToFileURL(join(dir, `${GLUE_NAME}.js`)).href)) as {
    instantiate?: Instantiate;
  };
  const instantiateGlue = glue.instantiate;
  if (typeof instantiateGlue !== 'function') {
    throw new RuntimeError('ComponentInvalid', `transpiled component ${dir} has no instantiate() export`);
  }
  const modules = new Map<string, WebAssembly.Module>();
  const getCoreModule = (name: string): WebAssembly.Module => {
    let module = modules.get(name);
    if (!module) {
      module = new WebAssembly.Module(readFileSync(join(dir, name)));
      modules.set(name, module);
    }
    return module;
  };
  return {
    digest: `sha256:${hex}`,
    fromCache,
    imports,
    instantiate: (imports) => instantiateGlue(getCoreModule, imports),
  };
}

async function transpileInto(component: Uint8Array, dir: string): Promise<void> {
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
    mkdirSync(dirname(join(scratch, name)), { recursive: true });
    writeFileSync(join(scratch, name), bytes);
  }
  writeFileSync(join(scratch, IMPORTS_FILE), JSON.stringify(await componentImports(component)));
  mkdirSync(dirname(dir), { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(scratch, dir);
}
