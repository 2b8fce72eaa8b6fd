/** The example Spin apps of @spinkube/examples (examples/), whose built wasm lives in examples/dist. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const EXAMPLES_DIR = join(import.meta.dirname, '..', '..', '..', '..', 'examples');

/** The app directory of `name` (`tiny-hello`, `js-hello`, …), once its wasm has been built. */
export function exampleApp(name: string): string {
  const wasm = join(EXAMPLES_DIR, 'dist', `${name}.wasm`);
  if (!existsSync(wasm))
    throw new Error(`${wasm} is missing: build the examples (npx nx run examples:build)`);
  return join(EXAMPLES_DIR, name);
}
