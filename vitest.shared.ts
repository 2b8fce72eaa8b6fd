import { defineProject } from 'vitest/config';

/** Unit tests of a package: `*.test.ts` beside the code, no external processes. */
export function packageProject(name: string) {
  return defineProject({
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      exclude: ['**/*.int.test.ts', '**/node_modules/**', '**/dist/**'],
      environment: 'node',
      restoreMocks: true,
      testTimeout: 30_000,
    },
  });
}

/**
 * Integration tests of a package: `test/*.int.test.ts`, against real processes that `globalSetup` starts
 * once for the run (e.g. a local Kubernetes cluster) and stops at the end.
 */
export function integrationProject(name: string, globalSetup: string[]) {
  return defineProject({
    test: {
      name: `${name} (integration)`,
      include: ['test/**/*.int.test.ts'],
      environment: 'node',
      globalSetup,
      testTimeout: 180_000,
      hookTimeout: 1_800_000,
    },
  });
}
