// @spinframework/build-tools ships its esbuild plugin without type declarations.
declare module '@spinframework/build-tools/plugins/esbuild/index.js' {
  import type { Plugin } from 'esbuild';
  /** Marks WIT imports of the working directory's dependencies as external. */
  export function SpinEsbuildPlugin(): Promise<Plugin>;
}
