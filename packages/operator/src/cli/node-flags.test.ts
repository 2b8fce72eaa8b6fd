import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { operatorShebang } from './node-flags.js';

describe('operator node flags', () => {
  it('are the ones main.ts starts with', () => {
    const main = readFileSync(join(import.meta.dirname, 'main.ts'), 'utf8');
    expect(main.split('\n')[0]).toBe(operatorShebang());
  });
});
