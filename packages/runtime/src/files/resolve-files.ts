/**
 * Turns a component's `files` and `exclude_files` into the flat list of host files and the guest paths
 * they appear at, with Spin's rules:
 * - a string is a path or glob relative to the manifest directory; the files keep that relative path under
 *   `/` in the guest (an existing directory brings its whole tree);
 * - `{ source, destination }` places a directory's tree, or a single file, at an absolute guest path;
 * - `exclude_files` globs, relative to the manifest directory, drop files found by globs and directories;
 * - globs match only files, dotfiles included, as Spin's glob does.
 *
 * Globbing uses tinyglobby: Node's `fs.glob` cannot match dotfiles with `*` and `**`, which Spin does.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { escapePath, glob, isDynamicPattern } from 'tinyglobby';
import { RuntimeError, type SourceLocation } from '../errors.js';
import { componentFieldLocation } from '../manifest/component-location.js';
import type { AppManifest, ComponentSpec, FileMount } from '../manifest/types.js';

export interface ResolvedFile {
  /** Absolute path of the file on the host. */
  readonly hostPath: string;
  /** Absolute POSIX path the guest sees it at. */
  readonly guestPath: string;
}

/**
 * Every file a component mounts, sorted by guest path. When two mounts place a file at the same guest path,
 * the later one in `files` wins (Spin copies them in order, so the last copy stays).
 */
export async function resolveComponentFiles(
  manifest: AppManifest,
  spec: ComponentSpec,
): Promise<ResolvedFile[]> {
  const byGuestPath = new Map<string, string>();
  for (const [index, mount] of spec.files.entries()) {
    const at = (suffix = ''): SourceLocation =>
      componentFieldLocation(manifest, spec, `files[${String(index)}]${suffix}`);
    for (const file of await resolveMount(manifest.dir, mount, spec.excludeFiles, at)) {
      byGuestPath.set(file.guestPath, file.hostPath);
    }
  }
  return [...byGuestPath]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([guestPath, hostPath]) => ({ hostPath, guestPath }));
}

type At = (suffix?: string) => SourceLocation;

function resolveMount(
  appDir: string,
  mount: FileMount,
  exclude: readonly string[],
  at: At,
): Promise<ResolvedFile[]> {
  switch (mount.kind) {
    case 'glob':
      return resolvePattern(appDir, mount.pattern, exclude, at);
    case 'placement':
      return resolvePlacement(appDir, mount.source, mount.destination, exclude, at);
    case 'file':
      return resolvePlacedFile(mount.source, mount.destination, at);
  }
}

async function resolvePattern(
  appDir: string,
  pattern: string,
  exclude: readonly string[],
  at: At,
): Promise<ResolvedFile[]> {
  if (isAbsolute(pattern)) {
    invalid(at(), `"${pattern}" is absolute; file patterns are relative to the application directory`);
  }
  if (pattern.split(/[\\/]/).includes('..')) {
    invalid(at(), `"${pattern}" escapes the application directory; files must be inside it`);
  }
  if (pattern === '' || pattern === '.' || pattern.endsWith('/.')) {
    invalid(
      at(),
      `"${pattern}" names a directory by "."; use a glob such as "**/*" or a { source, destination } table`,
    );
  }
  const toGuest = (hostPath: string): ResolvedFile => ({
    hostPath,
    guestPath: `/${portable(relative(appDir, hostPath))}`,
  });
  // An existing path is taken literally, even if it contains glob characters (as Spin does).
  const literal = await statOrUndefined(join(appDir, pattern));
  if (literal?.isDirectory()) {
    const tree = `${escapePath(portable(relative(appDir, join(appDir, pattern))))}/**`;
    return (await matchFiles(appDir, tree, exclude)).map(toGuest);
  }
  if (literal) return [toGuest(join(appDir, pattern))];
  if (!isDynamicPattern(pattern)) missing(at(), `"${pattern}" does not exist and is not a glob pattern`);
  return (await matchFiles(appDir, pattern, exclude)).map(toGuest);
}

async function resolvePlacement(
  appDir: string,
  source: string,
  destination: string,
  exclude: readonly string[],
  at: At,
): Promise<ResolvedFile[]> {
  checkDestination(destination, at);
  const sourcePath = resolve(appDir, source);
  const inside = portable(relative(appDir, sourcePath));
  if (inside === '..' || inside.startsWith('../') || isAbsolute(inside)) {
    invalid(at('.source'), `"${source}" is outside the application directory; files must be inside it`);
  }
  const info = await statOrUndefined(sourcePath);
  if (!info) missing(at('.source'), `file or directory "${source}" does not exist`);
  if (info.isDirectory()) {
    const tree = inside === '' ? '**' : `${escapePath(inside)}/**`;
    return (await matchFiles(appDir, tree, exclude)).map((hostPath) => ({
      hostPath,
      guestPath: posix.join(destination, portable(relative(sourcePath, hostPath))),
    }));
  }
  if (destination.endsWith('/')) {
    invalid(at('.destination'), `"${destination}" is a directory path; a single file needs a file name`);
  }
  return [{ hostPath: sourcePath, guestPath: posix.normalize(destination) }];
}

async function resolvePlacedFile(source: string, destination: string, at: At): Promise<ResolvedFile[]> {
  checkDestination(destination, at);
  if (!isAbsolute(source)) invalid(at('.source'), `"${source}" must be an absolute path`);
  if (!(await statOrUndefined(source))?.isFile()) missing(at('.source'), `file "${source}" does not exist`);
  return [{ hostPath: source, guestPath: posix.normalize(destination) }];
}

function checkDestination(destination: string, at: At): void {
  if (!destination.startsWith('/')) {
    invalid(at('.destination'), `destination "${destination}" must be an absolute path`);
  }
}

/** Absolute paths of the files under `appDir` that match `pattern` and no `exclude` glob. */
async function matchFiles(appDir: string, pattern: string, exclude: readonly string[]): Promise<string[]> {
  const matches = await glob(pattern, {
    cwd: appDir,
    dot: true,
    onlyFiles: true,
    expandDirectories: false,
    ignore: exclude,
  });
  return matches.map((match) => join(appDir, match));
}

async function statOrUndefined(path: string) {
  return stat(path).catch(() => undefined);
}

function portable(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function invalid(where: SourceLocation, message: string): never {
  throw new RuntimeError('FileMountInvalid', message, where);
}

function missing(where: SourceLocation, message: string): never {
  throw new RuntimeError('FileMountMissing', message, where);
}
