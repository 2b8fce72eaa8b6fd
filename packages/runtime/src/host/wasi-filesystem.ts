/**
 * wasi:filesystem over a component's `files`, mounted read-only at `/` as Spin does. The tree is virtual:
 * directories come from the guest paths of the mounted files, and file contents are read from the host
 * file when the guest reads them. Every write is refused with `read-only`; paths cannot climb above `/`.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { returnErr } from './guest-err.js';
import { InputStream } from './wasi-io.js';

export interface MountedFile {
  readonly hostPath: string;
  readonly guestPath: string;
}

type ErrorCode =
  | 'no-entry'
  | 'not-directory'
  | 'is-directory'
  | 'read-only'
  | 'invalid'
  | 'bad-descriptor'
  | 'not-permitted'
  | 'io';
type DescriptorType = 'directory' | 'regular-file';
interface Datetime {
  seconds: bigint;
  nanoseconds: number;
}

/** The mounted files as a tree of guest paths. */
export class MountedTree {
  private readonly files = new Map<string, string>();
  private readonly directories = new Map<string, Set<string>>([['/', new Set()]]);

  constructor(files: readonly MountedFile[]) {
    for (const { hostPath, guestPath } of files) {
      this.files.set(guestPath, hostPath);
      let child = guestPath;
      for (let parent = parentOf(child); ; parent = parentOf(child)) {
        const entries = this.directories.get(parent) ?? new Set<string>();
        entries.add(child.slice(parent === '/' ? 1 : parent.length + 1));
        this.directories.set(parent, entries);
        if (parent === '/') break;
        child = parent;
      }
    }
  }

  typeOf(path: string): DescriptorType | undefined {
    if (this.directories.has(path)) return 'directory';
    return this.files.has(path) ? 'regular-file' : undefined;
  }

  hostPath(path: string): string | undefined {
    return this.files.get(path);
  }

  entries(path: string): string[] {
    return [...(this.directories.get(path) ?? [])].sort();
  }

  get isEmpty(): boolean {
    return this.files.size === 0;
  }
}

function parentOf(path: string): string {
  const index = path.lastIndexOf('/');
  return index <= 0 ? '/' : path.slice(0, index);
}

/** Joins a relative guest path onto a directory, refusing absolute paths and climbing above `/`. */
function resolvePath(base: string, relative: string): string {
  if (relative.startsWith('/')) returnErr('not-permitted' satisfies ErrorCode);
  const parts = base === '/' ? [] : base.slice(1).split('/');
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) returnErr('not-permitted' satisfies ErrorCode);
      parts.pop();
    } else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

const EPOCH: Datetime = { seconds: 0n, nanoseconds: 0 };

function toDatetime(ms: number): Datetime {
  return { seconds: BigInt(Math.floor(ms / 1000)), nanoseconds: Math.round((ms % 1000) * 1e6) };
}

export class Descriptor {
  constructor(
    private readonly tree: MountedTree,
    private readonly path: string,
  ) {}

  getType(): DescriptorType {
    return this.tree.typeOf(this.path) ?? returnErr('no-entry' satisfies ErrorCode);
  }

  getFlags(): { read: boolean } {
    return { read: true };
  }

  stat(): object {
    return this.statPath(this.path);
  }

  statAt(_pathFlags: unknown, path: string): object {
    return this.statPath(resolvePath(this.path, path));
  }

  openAt(
    _pathFlags: unknown,
    path: string,
    openFlags: { create?: boolean; directory?: boolean; exclusive?: boolean; truncate?: boolean },
    flags: { read?: boolean; write?: boolean; mutateDirectory?: boolean },
  ): Descriptor {
    if (this.tree.typeOf(this.path) !== 'directory') returnErr('not-directory' satisfies ErrorCode);
    if (openFlags.create || openFlags.truncate || flags.write || flags.mutateDirectory) {
      returnErr('read-only' satisfies ErrorCode);
    }
    const target = resolvePath(this.path, path);
    const type = this.tree.typeOf(target);
    if (!type) returnErr('no-entry' satisfies ErrorCode);
    if (openFlags.directory && type !== 'directory') returnErr('not-directory' satisfies ErrorCode);
    return new Descriptor(this.tree, target);
  }

  read(length: bigint, offset: bigint): [Uint8Array, boolean] {
    const host = this.file();
    const fd = openSync(host, 'r');
    try {
      const size = fstatSync(fd).size;
      const start = Number(offset);
      if (start >= size) return [new Uint8Array(), true];
      const buffer = Buffer.alloc(Math.min(Number(length), size - start));
      const read = readSync(fd, buffer, 0, buffer.length, start);
      return [buffer.subarray(0, read), start + read >= size];
    } finally {
      closeSync(fd);
    }
  }

  readViaStream(offset: bigint): InputStream {
    const [bytes] = this.read(BigInt(Number.MAX_SAFE_INTEGER), offset);
    return new InputStream(bytes);
  }

  readDirectory(): DirectoryEntryStream {
    if (this.tree.typeOf(this.path) !== 'directory') returnErr('not-directory' satisfies ErrorCode);
    return new DirectoryEntryStream(
      this.tree.entries(this.path).map((name) => ({
        name,
        type: this.tree.typeOf(resolvePath(this.path, name)) ?? 'unknown',
      })),
    );
  }

  isSameObject(other: Descriptor): boolean {
    return other.tree === this.tree && other.path === this.path;
  }

  metadataHash(): { lower: bigint; upper: bigint } {
    return hashPath(this.path);
  }

  metadataHashAt(_pathFlags: unknown, path: string): { lower: bigint; upper: bigint } {
    return hashPath(resolvePath(this.path, path));
  }

  advise(): void {
    /* advice is optional */
  }

  syncData(): void {
    /* nothing is ever written */
  }

  sync(): void {
    /* nothing is ever written */
  }

  readlinkAt(): never {
    return returnErr('invalid' satisfies ErrorCode);
  }

  // Everything that would change the tree: refused, the mount is read-only.
  writeViaStream(): never {
    return returnErr('read-only' satisfies ErrorCode);
  }
  appendViaStream(): never {
    return returnErr('read-only' satisfies ErrorCode);
  }
  setSize(): never {
    return returnErr('read-only' satisfies ErrorCode);
  }
  setTimes(): never {
    return returnErr('read-only' satisfies ErrorCode);
  }
  write(): never {
    return returnErr('read-only' satisfies ErrorCode);
  }
  createDirectoryAt(): never {
    return returnErr('read-only' satisfies ErrorCode);
  }
  setTimesAt(): never {
    return returnErr('read-only' satisfies ErrorCode);
  }
  linkAt(): never {
    return returnErr('read-only' satisfies ErrorCode);
  }
  removeDirectoryAt(): never {
    return returnErr('read-only' satisfies ErrorCode);
  }
  renameAt(): never {
    return returnErr('read-only' satisfies ErrorCode);
  }
  symlinkAt(): never {
    return returnErr('read-only' satisfies ErrorCode);
  }
  unlinkFileAt(): never {
    return returnErr('read-only' satisfies ErrorCode);
  }

  private file(): string {
    const host = this.tree.hostPath(this.path);
    if (host === undefined) {
      return returnErr(
        (this.tree.typeOf(this.path) === 'directory' ? 'is-directory' : 'bad-descriptor') satisfies ErrorCode,
      );
    }
    return host;
  }

  private statPath(path: string): object {
    const type = this.tree.typeOf(path) ?? returnErr('no-entry' satisfies ErrorCode);
    if (type === 'directory') {
      return {
        type,
        linkCount: 1n,
        size: 0n,
        dataAccessTimestamp: EPOCH,
        dataModificationTimestamp: EPOCH,
        statusChangeTimestamp: EPOCH,
      };
    }
    const host = statSync(this.tree.hostPath(path) ?? '');
    return {
      type,
      linkCount: 1n,
      size: BigInt(host.size),
      dataAccessTimestamp: toDatetime(host.atimeMs),
      dataModificationTimestamp: toDatetime(host.mtimeMs),
      statusChangeTimestamp: toDatetime(host.ctimeMs),
    };
  }
}

export class DirectoryEntryStream {
  private index = 0;
  constructor(private readonly entries: { name: string; type: string }[]) {}
  readDirectoryEntry(): { name: string; type: string } | undefined {
    return this.entries[this.index++];
  }
}

function hashPath(path: string): { lower: bigint; upper: bigint } {
  let lower = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(path))
    lower = ((lower ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return { lower, upper: 0n };
}

/** The filesystem a component sees: its files at `/`, or nothing if it mounts none. */
export function filesystemImports(files: readonly MountedFile[]): Record<string, object> {
  const tree = new MountedTree(files);
  return {
    'wasi:filesystem/preopens': {
      getDirectories: (): [Descriptor, string][] => (tree.isEmpty ? [] : [[new Descriptor(tree, '/'), '/']]),
    },
    'wasi:filesystem/types': {
      Descriptor,
      DirectoryEntryStream,
      filesystemErrorCode: (): undefined => undefined,
    },
  };
}
