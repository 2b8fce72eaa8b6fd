/** sha256 content digests (`sha256:<64 hex>`), the only algorithm Spin artifacts use. */
import { createHash } from 'node:crypto';
import { OciError } from './errors.js';

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

/** Refuses bytes whose digest is not `expected`; `what` says where they came from. */
export function verifyDigest(bytes: Uint8Array, expected: string, what: string): void {
  if (!isDigest(expected)) {
    throw new OciError(
      'OciArtifactInvalid',
      `${what}: unsupported digest "${expected}" (expected sha256:<64 hex digits>)`,
    );
  }
  const actual = sha256Digest(bytes);
  if (actual !== expected) {
    throw new OciError('OciDigestMismatch', `${what}: content has digest ${actual}, expected ${expected}`);
  }
}
