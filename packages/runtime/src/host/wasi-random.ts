/** wasi:random: cryptographic randomness for `random` and the `insecure` variants alike. */
import { randomBytes } from 'node:crypto';

const u64 = (): bigint => randomBytes(8).readBigUInt64LE();

export const random = {
  getRandomBytes: (length: bigint): Uint8Array => randomBytes(Number(length)),
  getRandomU64: u64,
};

export const insecure = {
  getInsecureRandomBytes: (length: bigint): Uint8Array => randomBytes(Number(length)),
  getInsecureRandomU64: u64,
};

export const insecureSeed = {
  insecureSeed: (): [bigint, bigint] => [u64(), u64()],
};
