import { parse } from '@bytecodealliance/jco-transpile/wasm-tools';
import { describe, expect, it } from 'vitest';
import { importMemory, MEMORY_IMPORT, WASM_PAGE } from './imported-memory.js';

async function wat(text: string): Promise<Uint8Array> {
  return parse(text);
}

/** Instantiates a rewritten module with a host memory and returns its exports. */
function instantiate(bytes: Uint8Array, memory: WebAssembly.Memory, imports: WebAssembly.Imports = {}) {
  const module = new WebAssembly.Module(bytes);
  return new WebAssembly.Instance(module, {
    ...imports,
    [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: memory },
  }).exports;
}

describe('importMemory', () => {
  it('turns a defined memory into an import, its data segments into an image, keeping exports and imports', async () => {
    const original = await wat(`(module
      (import "env" "f" (func $f (result i32)))
      (memory (export "memory") 2)
      (data (i32.const 16) "hi")
      (data (i32.const 17) "o!")
      (func (export "read") (result i32) (i32.add (i32.load8_u (i32.const 16)) (call $f))))`);
    const rewritten = importMemory(original);
    expect(rewritten?.memory.initialPages).toBe(2);
    expect(rewritten?.memory.image?.offset).toBe(16);
    // Later segments overwrite earlier ones, as instantiation does.
    expect(Buffer.from(rewritten?.memory.image?.bytes ?? []).toString()).toBe('ho!');
    const memory = new WebAssembly.Memory({ initial: 2 });
    const image = rewritten?.memory.image;
    if (image) new Uint8Array(memory.buffer).set(image.bytes, image.offset);
    const exports = instantiate(rewritten?.bytes ?? new Uint8Array(), memory, { env: { f: () => 1 } });
    expect(exports['memory']).toBe(memory);
    expect((exports['read'] as () => number)()).toBe('h'.charCodeAt(0) + 1);
    // The module itself no longer writes the segments: the host's copy is all there is.
    const fresh = new WebAssembly.Memory({ initial: 2 });
    instantiate(rewritten?.bytes ?? new Uint8Array(), fresh, { env: { f: () => 1 } });
    expect(new Uint8Array(fresh.buffer, 16, 3)).toEqual(new Uint8Array(3));
  });

  it('keeps passive segments usable by memory.init', async () => {
    const original = await wat(`(module (memory (export "memory") 1)
      (data (i32.const 0) "a")
      (data $p "zz")
      (func (export "init") (memory.init $p (i32.const 8) (i32.const 0) (i32.const 2))))`);
    const rewritten = importMemory(original);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const exports = instantiate(rewritten?.bytes ?? new Uint8Array(), memory);
    (exports['init'] as () => void)();
    expect(Buffer.from(new Uint8Array(memory.buffer, 8, 2)).toString()).toBe('zz');
  });

  it('adds an import section to a module without one, and caps growth at the host limit', async () => {
    const original = await wat(`(module (memory (export "memory") 1 100)
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`);
    const rewritten = importMemory(original, 3);
    expect(rewritten?.memory).toEqual({ initialPages: 1, maximumPages: 3 });
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 3 });
    const grow = instantiate(rewritten?.bytes ?? new Uint8Array(), memory)['grow'] as (
      pages: number,
    ) => number;
    expect(grow(2)).toBe(1);
    expect(grow(1)).toBe(-1);
    expect(memory.buffer.byteLength).toBe(3 * WASM_PAGE);
  });

  it('keeps the module maximum when it is below the host limit, and never goes under the initial size', async () => {
    const capped = await wat('(module (memory 2 4))');
    expect(importMemory(capped, 64)?.memory).toEqual({ initialPages: 2, maximumPages: 4 });
    expect(importMemory(capped, 1)?.memory).toEqual({ initialPages: 2, maximumPages: 2 });
  });

  it('leaves modules alone that import their memory or define none', async () => {
    expect(importMemory(await wat('(module (import "env" "memory" (memory 1)))'))).toBeUndefined();
    expect(importMemory(await wat('(module (func (export "f")))'))).toBeUndefined();
  });

  it('produces a module V8 validates for a module with every kind of import before the memory', async () => {
    const original = await wat(`(module
      (import "a" "t" (table 1 funcref))
      (import "a" "g" (global i32))
      (import "a" "f" (func))
      (memory 1))`);
    const rewritten = importMemory(original);
    expect(rewritten && WebAssembly.validate(rewritten.bytes)).toBe(true);
  });
});
