/**
 * A program bundled by esbuild into the one CommonJS script an SEA's main script must be on Node 24 (no
 * top-level await; the version and any other build-time constants defined in), its warnings on stderr.
 * Returns the script's size.
 */
import { statSync } from 'node:fs';
import { build } from 'esbuild';

export interface MainScriptOptions {
  /** The program's built entry (`dist/cli/main.js`). */
  readonly entry: string;
  readonly outfile: string;
  /** Identifiers replaced by these values (JSON-encoded here), e.g. `{ SPIN_OPERATOR_VERSION: '0.1.0' }`. */
  readonly define?: Readonly<Record<string, string>>;
  /** esbuild messages to keep quiet, by id (e.g. `empty-import-meta` for a fallback never taken). */
  readonly silence?: readonly string[];
}

export async function bundleMainScript(options: MainScriptOptions): Promise<number> {
  const result = await build({
    entryPoints: [options.entry],
    outfile: options.outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node24',
    // The entry's shebang line: the executable gets its flags from the blob.
    banner: { js: '' },
    define: Object.fromEntries(
      Object.entries(options.define ?? {}).map(([name, value]) => [name, JSON.stringify(value)]),
    ),
    logOverride: Object.fromEntries((options.silence ?? []).map((id) => [id, 'silent' as const])),
    logLevel: 'silent',
  });
  for (const warning of result.warnings) {
    const where = warning.location ? `${warning.location.file}:${String(warning.location.line)}: ` : '';
    process.stderr.write(`package-sea: esbuild warning: ${where}${warning.text}\n`);
  }
  return statSync(options.outfile).size;
}
