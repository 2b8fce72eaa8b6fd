/**
 * Fresh instances of a compiled component, as many as requests need. Runs wherever guests run (a worker
 * thread): it imports the transpiled glue and instantiates it against the precompiled core modules. Host
 * supplied memories come from a small pool: a memory that did not grow is zeroed and reused, which costs a
 * fraction of allocating and page-faulting a new one; together with data segments re-applied on every
 * instantiation the guest starts from exactly the state a brand-new instance has.
 */
import { pathToFileURL } from 'node:url';
import { RuntimeError } from '../errors.js';
import { MEMORY_IMPORT, WASM_PAGE, type MemoryPlan } from './imported-memory.js';

type Instantiate = (
  getCoreModule: (name: string) => WebAssembly.Module,
  imports: object,
  instantiateCore: (module: WebAssembly.Module, imports?: WebAssembly.Imports) => WebAssembly.Instance,
) => Record<string, unknown>;

/** What a worker needs to instantiate a component (structured-cloneable). */
export interface ComponentCode {
  readonly gluePath: string;
  readonly modules: ReadonlyMap<string, WebAssembly.Module>;
  readonly memories: ReadonlyMap<string, MemoryPlan>;
}

/** One instance's exports, and `release()` to call once the instance will never run again. */
export interface ComponentInstance {
  readonly exports: Record<string, unknown>;
  release(): void;
}

const POOLED_PER_MODULE = 4;

/**
 * Data images in this thread's own memory, one per component module, shared by every app built from it.
 * Images arrive in shared memory (one copy in the process, nothing cloned per app), but V8 copies out of
 * shared memory about 7× slower than out of a private buffer (3.8 ms against 0.5 ms for a JS SDK
 * component's 8 MB), and every request re-images its memory. Keyed by the glue path, which names the
 * component's digest, and the module; held weakly, so an image goes with the last app that used it.
 */
const privateImages = new Map<string, WeakRef<Uint8Array>>();
const forgetImage = new FinalizationRegistry<string>((key) => {
  if (!privateImages.get(key)?.deref()) privateImages.delete(key);
});

function privateImage(key: string, bytes: Uint8Array): Uint8Array {
  if (!(bytes.buffer instanceof SharedArrayBuffer)) return bytes;
  const known = privateImages.get(key)?.deref();
  if (known?.byteLength === bytes.byteLength) return known;
  const copy = new Uint8Array(bytes);
  privateImages.set(key, new WeakRef(copy));
  forgetImage.register(copy, key);
  return copy;
}

class MemoryPool {
  private readonly free: WebAssembly.Memory[] = [];
  constructor(private readonly plan: MemoryPlan) {}

  take(): WebAssembly.Memory {
    const reused = this.free.pop();
    if (reused) return reused;
    const memory = new WebAssembly.Memory({
      initial: this.plan.initialPages,
      ...(this.plan.maximumPages === undefined ? {} : { maximum: this.plan.maximumPages }),
    });
    this.reset(memory);
    return memory;
  }

  release(memory: WebAssembly.Memory): void {
    // A memory that grew is dropped: the next instance must start at the declared size.
    if (memory.buffer.byteLength !== this.plan.initialPages * WASM_PAGE) return;
    if (this.free.length >= POOLED_PER_MODULE) return;
    this.reset(memory);
    this.free.push(memory);
  }

  /** Lets go of the free memories. */
  clear(): void {
    this.free.length = 0;
  }

  /** Zeroes the memory and writes the module's data image, in one pass over it. */
  private reset(memory: WebAssembly.Memory): void {
    const bytes = new Uint8Array(memory.buffer);
    const image = this.plan.image;
    if (!image) {
      bytes.fill(0);
      return;
    }
    bytes.fill(0, 0, image.offset);
    bytes.set(image.bytes, image.offset);
    bytes.fill(0, image.offset + image.bytes.length);
  }
}

export class InstanceFactory {
  private readonly pools = new Map<WebAssembly.Module, MemoryPool>();

  private constructor(
    private readonly instantiateGlue: Instantiate,
    private readonly code: ComponentCode,
  ) {
    for (const [name, plan] of code.memories) {
      const module = code.modules.get(name);
      if (!module) continue;
      const image = plan.image && {
        offset: plan.image.offset,
        bytes: privateImage(`${code.gluePath}\0${name}`, plan.image.bytes),
      };
      this.pools.set(module, new MemoryPool(image ? { ...plan, image } : plan));
    }
  }

  static async load(code: ComponentCode): Promise<InstanceFactory> {
    const glue = (await import(pathToFileURL(code.gluePath).href)) as { instantiate?: Instantiate };
    if (typeof glue.instantiate !== 'function') {
      throw new RuntimeError(
        'ComponentInvalid',
        `transpiled component ${code.gluePath} has no instantiate() export`,
      );
    }
    return new InstanceFactory(glue.instantiate, code);
  }

  /** Lets go of the pooled memories (the component went cold); running instances keep theirs. */
  trim(): void {
    for (const pool of this.pools.values()) pool.clear();
  }

  instantiate(imports: object): ComponentInstance {
    const taken: [MemoryPool, WebAssembly.Memory][] = [];
    const getCoreModule = (name: string): WebAssembly.Module => {
      const module = this.code.modules.get(name);
      if (!module) throw new Error(`the transpiled component has no core module ${name}`);
      return module;
    };
    const instantiateCore = (module: WebAssembly.Module, coreImports: WebAssembly.Imports = {}) => {
      const pool = this.pools.get(module);
      if (!pool) return new WebAssembly.Instance(module, coreImports);
      const memory = pool.take();
      taken.push([pool, memory]);
      return new WebAssembly.Instance(module, {
        ...coreImports,
        [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: memory },
      });
    };
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      for (const [pool, memory] of taken) pool.release(memory);
    };
    try {
      return { exports: this.instantiateGlue(getCoreModule, imports, instantiateCore), release };
    } catch (error) {
      release();
      throw error;
    }
  }
}
