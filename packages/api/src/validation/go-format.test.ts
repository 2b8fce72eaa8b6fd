import { describe, expect, it } from 'vitest';
import { formatBadValue, goQuote } from './go-format.js';

describe('formatBadValue (apimachinery field.Error value printing)', () => {
  it.each([
    [null, 'null'],
    [undefined, 'null'],
    [0, '0'],
    [-1, '-1'],
    [true, 'true'],
    ['', '""'],
    ['cyclotron', '"cyclotron"'],
    [{ key: 'asdf' }, '{"key":"asdf"}'],
    [{ b: '1', a: '<&>' }, '{"a":"\\u003c\\u0026\\u003e","b":"1"}'],
  ])('%j prints as %s', (value, expected) => expect(formatBadValue(value)).toBe(expected));
});

describe('goQuote (Go %q)', () => {
  it.each([
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['tab\there\nnew', '"tab\\there\\nnew"'],
    ['\u0001', '"\\x01"'],
    ['\u007f', '"\\x7f"'],
    ['héllo ☃', '"héllo ☃"'],
    ['\u00a0', '"\\u00a0"'],
  ])('%j → %s', (text, expected) => expect(goQuote(text)).toBe(expected));
});
