import { describe, expect, it } from 'vitest';
import { keyValuesFromMetadata, metadataFromKeyValues } from './metadata.js';

describe('ttrpc metadata', () => {
  it('groups repeated keys in wire order', () => {
    const metadata = metadataFromKeyValues([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
      { key: 'a', value: '3' },
    ]);
    expect([...metadata]).toEqual([
      ['a', ['1', '3']],
      ['b', ['2']],
    ]);
  });

  it('expands a key with several values into several pairs', () => {
    expect(keyValuesFromMetadata({ a: ['1', '3'], b: '2' })).toEqual([
      { key: 'a', value: '1' },
      { key: 'a', value: '3' },
      { key: 'b', value: '2' },
    ]);
  });
});
