/**
 * Checks the built components in dist/ and prints, for each, its size and what it imports and exports:
 * the versioned imports from the world wasm-tools prints for it, and the unversioned names the jco glue
 * asks a host for (`transpileBytes`). Every core module the transpilation yields must pass
 * `WebAssembly.validate`. Pass names (`tiny-kv js-app`) to check only those; `--output json` for scripts.
 * Exits non-zero when a component is missing or fails to transpile or validate.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { transpileBytes } from '@bytecodealliance/jco-transpile';
import { componentWit } from '@bytecodealliance/jco-transpile/wasm-tools';

interface ComponentReport {
  name: string;
  bytes: number;
  /** Versioned, as the component's world declares them. */
  imports: string[];
  exports: string[];
  /** Unversioned: the keys the transpiled glue reads from its import object. */
  glueImports: string[];
  coreModules: number;
  transpileMs: number;
}

const dist = join(import.meta.dirname, '..', 'dist');

async function inspect(name: string): Promise<ComponentReport> {
  const file = join(dist, `${name}.wasm`);
  if (!existsSync(file))
    throw new Error(`dist/${name}.wasm: not built; run npm run build -w @spinkube/examples`);
  const component = readFileSync(file);
  const wit = await componentWit(component);
  const declared = (keyword: string): string[] =>
    [...wit.matchAll(new RegExp(`^\\s*${keyword}\\s+([^;{]+?)\\s*;`, 'gm'))]
      .map((match) => match[1] ?? '')
      .filter((item) => item.includes(':'));
  const started = performance.now();
  const result = await transpileBytes(component, {
    name,
    instantiation: 'sync',
    emitTypescriptDeclarations: false,
  });
  const transpileMs = performance.now() - started;
  const cores = Object.entries(result.files).filter(([path]) => path.endsWith('.wasm'));
  for (const [path, bytes] of cores) {
    if (!WebAssembly.validate(bytes))
      throw new Error(`dist/${name}.wasm: core module ${path} does not validate`);
  }
  return {
    name,
    bytes: component.length,
    imports: declared('import'),
    exports: declared('export'),
    glueImports: result.imports,
    coreModules: cores.length,
    transpileMs: Math.round(transpileMs),
  };
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { output: { type: 'string', default: 'text' } },
});
if (values.output !== 'text' && values.output !== 'json') {
  process.stderr.write(`--output: expected text or json, got ${values.output}\n`);
  process.exit(1);
}
const names =
  positionals.length > 0
    ? positionals
    : readdirSync(dist)
        .filter((file) => file.endsWith('.wasm'))
        .map((file) => file.slice(0, -'.wasm'.length))
        .sort();

const reports: ComponentReport[] = [];
for (const name of names) reports.push(await inspect(name));
if (values.output === 'json') {
  process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
} else {
  for (const report of reports) {
    process.stdout.write(
      [
        `${report.name}: ${String(report.bytes)} bytes, ${String(report.coreModules)} core modules, transpiled in ${String(report.transpileMs)} ms`,
        ...report.imports.map((item) => `  import ${item}`),
        ...report.exports.map((item) => `  export ${item}`),
        `  glue asks for: ${report.glueImports.join(', ') || '(nothing)'}`,
      ].join('\n') + '\n',
    );
  }
}
