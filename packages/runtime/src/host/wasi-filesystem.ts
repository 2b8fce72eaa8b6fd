/**
 * wasi:filesystem with nothing mounted yet: no preopened directories, so guests see an empty filesystem.
 * (Mounting a component's `files` read-only is planned.)
 */

/** Never handed out while there are no preopens; the glue may still name the classes. */
export class Descriptor {
  readonly resource = 'descriptor';
}
export class DirectoryEntryStream {
  readonly resource = 'directory-entry-stream';
}

export const filesystemImports = {
  'wasi:filesystem/preopens': { getDirectories: (): [Descriptor, string][] => [] },
  'wasi:filesystem/types': {
    Descriptor,
    DirectoryEntryStream,
    filesystemErrorCode: (): undefined => undefined,
  },
};
