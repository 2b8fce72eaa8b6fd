/**
 * Kubernetes resource quantities (`128Mi`, `1.5`, `40M`, `1e3`): parsing, exact comparison, the byte value
 * and the canonical string Kubernetes prints. Written here because no maintained npm library parses them
 * exactly (client-node's `quantityToScalar` goes through floating point); the rules mirror
 * apimachinery's `resource.Quantity`: values are exact decimals, rounded up to nano precision and capped at
 * 2^63-1, and the canonical form keeps the suffix family the value was written in.
 */
import { SpinKubeApiError } from '../errors.js';

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value is `unscaled × 10^scale`, exactly. */
  readonly unscaled: bigint;
  readonly scale: number;
  readonly format: QuantityFormat;
  /** The text as written, when Kubernetes would keep it as the canonical form. */
  readonly cached?: string;
}

const QUANTITY_SYNTAX = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/;
const DECIMAL_SUFFIXES: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const NANO = -9;
const MAX_INT64 = (1n << 63n) - 1n;

/** Parses a quantity, or throws `InvalidQuantity` naming what is wrong. */
export function parseQuantity(text: string): Quantity {
  const invalid = (why: string) => new SpinKubeApiError('InvalidQuantity', `quantity "${text}": ${why}`);
  if (text.length === 0) throw invalid('empty');
  const match = QUANTITY_SYNTAX.exec(text);
  if (!match) throw invalid('not a number');
  const [, sign = '', whole = '', fraction = '', suffix = ''] = match;
  if (whole === '' && fraction === '') throw invalid('missing digits');

  let format: QuantityFormat;
  let base10Exponent = 0;
  let base2Exponent = 0;
  if (suffix in DECIMAL_SUFFIXES) {
    format = 'DecimalSI';
    base10Exponent = DECIMAL_SUFFIXES[suffix] ?? 0;
  } else if (suffix in BINARY_SUFFIXES) {
    format = 'BinarySI';
    base2Exponent = BINARY_SUFFIXES[suffix] ?? 0;
  } else if (/^[eE][+-]?[0-9]+$/.test(suffix)) {
    format = 'DecimalExponent';
    base10Exponent = Number.parseInt(suffix.slice(1), 10);
  } else {
    throw invalid(`unknown suffix "${suffix}"`);
  }

  const digits = BigInt(`${whole}${fraction}` || '0');
  let unscaled = digits * (1n << BigInt(base2Exponent));
  let scale = base10Exponent - fraction.length;
  const cached = keptAsWritten(text, format, whole, fraction, base10Exponent, base2Exponent);

  // Round non-zero values up to nano precision, away from zero.
  if (scale < NANO && unscaled !== 0n) {
    const divisor = 10n ** BigInt(NANO - scale);
    unscaled = (unscaled + divisor - 1n) / divisor;
    scale = NANO;
  }
  if (compareMagnitude(unscaled, scale, MAX_INT64, 0) > 0) {
    unscaled = MAX_INT64;
    scale = 0;
  }
  if (format === 'BinarySI' && compareMagnitude(unscaled, scale, 1n, 0) < 0 && unscaled !== 0n) {
    format = 'DecimalSI';
  }
  if (sign === '-') unscaled = -unscaled;
  return cached === undefined ? { unscaled, scale, format } : { unscaled, scale, format, cached };
}

/** Whether the text is a valid quantity. */
export function isQuantity(text: string): boolean {
  try {
    parseQuantity(text);
    return true;
  } catch {
    return false;
  }
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const scale = Math.min(a.scale, b.scale);
  const x = a.unscaled * 10n ** BigInt(a.scale - scale);
  const y = b.unscaled * 10n ** BigInt(b.scale - scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The integer value, rounded up (`Quantity.Value()`), e.g. `40M` → 40000000 and `128Mi` → 134217728. */
export function quantityValue(q: Quantity): bigint {
  if (q.scale >= 0) return q.unscaled * 10n ** BigInt(q.scale);
  const divisor = 10n ** BigInt(-q.scale);
  const quotient = q.unscaled / divisor;
  const hasRemainder = q.unscaled % divisor !== 0n;
  return hasRemainder && q.unscaled > 0n ? quotient + 1n : quotient;
}

/** The canonical text Kubernetes prints for a quantity (`Quantity.String()`), e.g. `1.5Gi` → `1536Mi`. */
export function formatQuantity(q: Quantity): string {
  if (q.cached !== undefined) return q.cached;
  if (q.unscaled === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const small = compareMagnitude(q.unscaled, q.scale, 1024n, 0) < 0;
    if (small || !isInteger(q)) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let value = quantityValue(q);
    let exponent = 0;
    while (exponent < 6 && value % 1024n === 0n) {
      value /= 1024n;
      exponent++;
    }
    return `${value}${['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'][exponent] ?? ''}`;
  }
  let value = q.unscaled;
  let exponent = q.scale;
  while (value % 10n === 0n) {
    value /= 10n;
    exponent++;
  }
  const remainder = ((exponent % 3) + 3) % 3;
  value *= 10n ** BigInt(remainder);
  exponent -= remainder;
  if (format === 'DecimalExponent') return exponent === 0 ? `${value}` : `${value}e${exponent}`;
  const suffix = Object.entries(DECIMAL_SUFFIXES).find(([, e]) => e === exponent)?.[0];
  return suffix === undefined ? `${value}e${exponent}` : `${value}${suffix}`;
}

/**
 * apimachinery keeps the original text when it is already canonical and fits its int64 fast path; the
 * conditions below are that rule, so text such as `1E3` or `+1Ki` prints back as written, as in Kubernetes.
 */
function keptAsWritten(
  text: string,
  format: QuantityFormat,
  whole: string,
  fraction: string,
  base10Exponent: number,
  base2Exponent: number,
): string | undefined {
  const digits = whole + fraction;
  let precision: number;
  let scale: number;
  if (format === 'BinarySI') {
    if (fraction.length > 0) return undefined;
    precision = 15 - whole.length - Math.trunc((base2Exponent * 3) / 10) - 1;
    scale = 0;
  } else {
    precision = 18 - digits.length;
    scale = base10Exponent - fraction.length;
  }
  if (precision < 0 || scale < NANO) return undefined;
  const value = BigInt(digits || '0');
  const result = value * (1n << BigInt(base2Exponent));
  if (result > MAX_INT64) return undefined;
  if (format === 'BinarySI') {
    return base2Exponent % 10 === 0 && (value & 7n) !== 0n ? text : undefined;
  }
  return scale % 3 === 0 && !digits.endsWith('000') && digits[0] !== '0' ? text : undefined;
}

function isInteger(q: Quantity): boolean {
  return q.scale >= 0 || q.unscaled % 10n ** BigInt(-q.scale) === 0n;
}

function compareMagnitude(unscaled: bigint, scale: number, other: bigint, otherScale: number): number {
  const abs = unscaled < 0n ? -unscaled : unscaled;
  return compareQuantities(
    { unscaled: abs, scale, format: 'DecimalSI' },
    { unscaled: other, scale: otherScale, format: 'DecimalSI' },
  );
}
