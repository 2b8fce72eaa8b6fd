import { describe, expect, it } from 'vitest';
import { compareQuantities, formatQuantity, isQuantity, parseQuantity, quantityValue } from './quantity.js';

const canonical = (text: string) => formatQuantity(parseQuantity(text));

describe('parseQuantity', () => {
  it.each(['128Mi', '1Gi', '40M', '1.5', '.5', '1.', '1e3', '1E-3', '-2Ki', '+1k', '0', '100m', '5n'])(
    'accepts %s',
    (text) => expect(isQuantity(text)).toBe(true),
  );

  it.each(['', 'abc', '1.2.3', '12Mb', '1 Gi', 'Mi', '1e', '--1', '1ki'])('rejects %j', (text) => {
    expect(isQuantity(text)).toBe(false);
  });

  it('names the bad text and what is wrong', () => {
    expect(() => parseQuantity('12Mb')).toThrow('quantity "12Mb": unknown suffix "Mb"');
  });
});

describe('formatQuantity prints the canonical form Kubernetes prints', () => {
  it.each([
    ['1024Mi', '1Gi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['1.5', '1500m'],
    ['0.1', '100m'],
    ['1000M', '1G'],
    ['40Mi', '40Mi'],
    ['40M', '40M'],
    ['1e3', '1e3'],
    ['1000', '1k'],
    ['0.0001', '100u'],
    ['512', '512'],
    ['0.5Ki', '512'],
    ['1025Ki', '1025Ki'],
    ['0', '0'],
    ['0Mi', '0'],
    ['-1Gi', '-1Gi'],
    ['1E3', '1E3'],
    ['0.1n', '1n'],
  ])('%s → %s', (text, expected) => expect(canonical(text)).toBe(expected));
});

describe('quantity values and comparison', () => {
  it.each([
    ['40M', 40_000_000n],
    ['128Mi', 134_217_728n],
    ['1Gi', 1_073_741_824n],
    ['1.5', 2n],
    ['100m', 1n],
    ['1e3', 1000n],
  ])('%s has the byte value %d (rounded up)', (text, value) =>
    expect(quantityValue(parseQuantity(text))).toBe(value),
  );

  it('compares exactly across suffix families', () => {
    expect(compareQuantities(parseQuantity('1Gi'), parseQuantity('1024Mi'))).toBe(0);
    expect(compareQuantities(parseQuantity('50Mi'), parseQuantity('40Mi'))).toBe(1);
    expect(compareQuantities(parseQuantity('1G'), parseQuantity('1Gi'))).toBe(-1);
    expect(compareQuantities(parseQuantity('999999999n'), parseQuantity('1'))).toBe(-1);
  });

  it('caps values at 2^63-1 as Kubernetes does', () => {
    expect(quantityValue(parseQuantity('100Ei'))).toBe((1n << 63n) - 1n);
  });
});
