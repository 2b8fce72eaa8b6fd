import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileComponent, type CompiledComponent } from '../component/compiled-component.js';
import { InstanceFactory } from '../component/component-instance.js';
import { createHostImports } from '../host/host-imports.js';
import { WarmComponents } from './warm-components.js';
import type { LoadedComponent } from './worker-app.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'spinkube-warm-'));
let compiled: CompiledComponent;
beforeAll(async () => {
  const wasm = join(import.meta.dirname, '..', '..', '..', '..', 'examples', 'dist', 'tiny-hello.wasm');
  compiled = await compileComponent(readFileSync(wasm), cacheDir);
});
afterAll(() => {
  rmSync(cacheDir, { recursive: true, force: true });
});

/** A loaded tiny-hello with its spare instance, as a worker holds it. */
async function loaded(): Promise<LoadedComponent> {
  const imports = createHostImports({
    componentId: 'hello',
    environment: new Map(),
    stdout: () => undefined,
    stderr: () => undefined,
    variables: { get: () => undefined, all: () => [] },
    keyValue: { open: () => 'access-denied' },
    sqlite: { open: () => 'access-denied' },
    files: [],
    outbound: {
      allowedHosts: [],
      client: {
        start: () => {
          throw new Error('no outbound HTTP here');
        },
        waitAny: () => undefined,
        take: () => undefined,
      },
    },
  });
  const factory = await InstanceFactory.load(compiled);
  return { factory, imports, spare: factory.instantiate(imports) };
}

describe('WarmComponents', () => {
  it('keeps spare instances only for the most recently used components', async () => {
    const warm = new WarmComponents(2);
    const [a, b, c] = [await loaded(), await loaded(), await loaded()];
    warm.touch(a);
    warm.touch(b);
    warm.touch(a);
    warm.touch(c);
    expect([a.spare, b.spare, c.spare].map((spare) => spare !== undefined)).toEqual([true, false, true]);
    // A cold component still instantiates when a request comes.
    expect(b.factory.instantiate(b.imports).exports).toHaveProperty('incomingHandler');
  });

  it('leaves a forgotten component (its app was unloaded) alone and does not count it', async () => {
    const warm = new WarmComponents(1);
    const [a, b] = [await loaded(), await loaded()];
    warm.touch(a);
    warm.forget(a);
    warm.touch(b);
    // Had `a` still counted, touching `b` would have taken its spare.
    expect([a.spare, b.spare].map((spare) => spare !== undefined)).toEqual([true, true]);
  });
});
