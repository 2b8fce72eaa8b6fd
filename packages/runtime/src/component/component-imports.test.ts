import { describe, expect, it } from 'vitest';
import { unsupportedImports } from './component-imports.js';

describe('unsupportedImports', () => {
  it('matches provided interfaces with or without their version', () => {
    const imports = [
      'wasi:http/types@0.2.3',
      'wasi:io/streams@0.2.0',
      'fermyon:spin/key-value@2.0.0',
      'spin:mqtt/mqtt@3.0.0',
    ];
    expect(
      unsupportedImports(imports, ['wasi:http/types', 'wasi:io/streams@0.2.0', 'spin:mqtt/mqtt@2.0.0']),
    ).toEqual(['fermyon:spin/key-value@2.0.0', 'spin:mqtt/mqtt@3.0.0']);
  });
});
