/**
 * Content-addressed cache of registry content, laid out like Spin's:
 * `<cacheDir>/registry/{manifests,wasm,data}/<digest>`. Entries are verified before they are written and
 * written atomically (a temporary file renamed into place), so an entry that exists is whole and correct.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyDigest } from '@spinkube/oci';

export type BlobKind = 'manifests' | 'wasm' | 'data';

export class BlobCache {
  /** `<cacheDir>/registry`. */
  readonly root: string;

  constructor(cacheDir: string) {
    this.root = join(cacheDir, 'registry');
  }

  path(kind: BlobKind, digest: string): string {
    return join(this.root, kind, digest);
  }

  has(kind: BlobKind, digest: string): boolean {
    return existsSync(this.path(kind, digest));
  }

  async read(kind: BlobKind, digest: string): Promise<Uint8Array> {
    return readFile(this.path(kind, digest));
  }

  /** Stores `bytes` under `digest` after checking they hash to it; `what` names them in errors. */
  async write(
    kind: BlobKind,
    digest: string,
    bytes: Uint8Array,
    what = `${kind} ${digest}`,
  ): Promise<string> {
    verifyDigest(bytes, digest, what);
    const path = this.path(kind, digest);
    await mkdir(join(this.root, kind), { recursive: true });
    const scratch = `${path}.tmp-${String(process.pid)}-${randomBytes(4).toString('hex')}`;
    try {
      await writeFile(scratch, bytes);
      await rename(scratch, path);
    } finally {
      await rm(scratch, { force: true });
    }
    return path;
  }
}
