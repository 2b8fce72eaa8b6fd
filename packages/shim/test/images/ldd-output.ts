/** The shared libraries `ldd` lists for a binary, as absolute paths (the loader included). */

export function parseLddOutput(output: string, binary: string): string[] {
  const libraries: string[] = [];
  for (const line of output.split('\n').map((text) => text.trim())) {
    if (line === '' || line.startsWith('linux-vdso') || line.startsWith('linux-gate')) continue;
    if (line.includes('=> not found'))
      throw new Error(`${binary} needs ${line.split(' ')[0] ?? line}, which ldd cannot find`);
    if (line.includes('statically linked')) continue;
    // `libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)`, or the loader: `/lib64/ld-linux-x86-64.so.2 (0x…)`.
    const path = (line.includes('=>') ? (line.split('=>')[1] ?? '') : line).trim().split(' ')[0] ?? '';
    if (path.startsWith('/')) libraries.push(path);
  }
  return libraries;
}
