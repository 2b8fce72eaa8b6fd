/**
 * How the operator's Node.js is started (the `spin-operator` shebang, and the tests and benchmark, which
 * start it the same way). Measured with 1,000 SpinApps (README, Performance): a 1 MB young generation and
 * V8's size-over-speed mode, with glibc limited to two malloc arenas, take the operator's RSS from about
 * 225 MB to about 145 MB; client-node's generated code (about 90 MB once imported) is most of the rest.
 */
export const OPERATOR_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1', '--optimize-for-size'];
export const OPERATOR_NODE_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/** The shebang line of `dist/cli/main.js` (needs `env -S`, GNU coreutils 8.30 or newer). */
export function operatorShebang(): string {
  const env = Object.entries(OPERATOR_NODE_ENV).map(([name, value]) => `${name}=${value}`);
  return `#!/usr/bin/env -S ${[...env, 'node', ...OPERATOR_NODE_FLAGS].join(' ')}`;
}
