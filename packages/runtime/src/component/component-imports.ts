/**
 * The interfaces a component imports, with versions (`wasi:http/types@0.2.3`), read from the world that
 * wasm-tools prints for it. Checked against what the host provides before an app may start.
 */
export async function componentImports(component: Uint8Array): Promise<string[]> {
  // Loaded on demand: only transpiling needs wasm-tools.
  const { componentWit } = await import('@bytecodealliance/jco-transpile/wasm-tools');
  const wit = await componentWit(component);
  return [...wit.matchAll(/^\s*import\s+([^;{]+?)\s*;/gm)]
    .map((match) => match[1] ?? '')
    .filter((name) => name.includes(':'));
}

/** The imports no pattern covers. A pattern is an interface name with or without `@version`. */
export function unsupportedImports(imports: readonly string[], provided: readonly string[]): string[] {
  return imports.filter((name) => {
    const unversioned = name.replace(/@[^@]*$/, '');
    return !provided.some((pattern) => pattern === name || pattern === unversioned);
  });
}
