/**
 * The shared libraries a dynamically linked executable needs in an image, found by the system's `ldd`
 * (glibc's; no maintained library reads ELF dependencies with the loader's own search rules).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { ImageBuildError } from './errors.js';
import type { TarEntry } from './tar-entry.js';

const execFileAsync = promisify(execFile);

/** The libraries in `ldd`'s output for `binary`, as absolute paths (the loader included, the vDSO not). */
export function parseLddOutput(output: string, binary: string): string[] {
  const libraries: string[] = [];
  for (const line of output.split('\n').map((text) => text.trim())) {
    if (line === '' || line.startsWith('linux-vdso') || line.startsWith('linux-gate')) continue;
    if (line.includes('=> not found'))
      throw new ImageBuildError(
        'EntryInvalid',
        `${binary} needs ${line.split(' ')[0] ?? line}, which ldd cannot find`,
      );
    if (line.includes('statically linked')) continue;
    // `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)`, or the loader: `/lib64/ld-linux-x86-64.so.2 (0x…)`.
    const path = (line.includes('=>') ? (line.split('=>')[1] ?? '') : line).trim().split(' ')[0] ?? '';
    if (path.startsWith('/')) libraries.push(path);
  }
  return libraries;
}

/** `binary`'s libraries as layer entries, each at the path ldd names (on the loader's default search path). */
export async function sharedLibraryEntries(binary: string): Promise<TarEntry[]> {
  let output: string;
  try {
    output = (await execFileAsync('/usr/bin/ldd', [binary])).stdout;
  } catch (error) {
    const said = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
    // ldd exits 1 for a static executable, saying so.
    if (said.includes('not a dynamic executable')) return [];
    throw new ImageBuildError('EntryInvalid', `ldd ${binary}: ${(error as Error).message}`, { cause: error });
  }
  const libraries = parseLddOutput(output, binary);
  return Promise.all(
    libraries.map(async (path) => ({
      type: 'file' as const,
      path,
      bytes: await readFile(path),
      mode: 0o755,
    })),
  );
}
