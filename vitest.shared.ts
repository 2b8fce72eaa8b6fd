import { defineProject } from 'vitest/config';

/**
 * Projects whose tests need root: they start containerd, mount filesystems and create network namespaces
 * (the runtime-class-manager's: containerd restarted by its node installer).
 * As a normal user, scripts/test.sh runs these through sudo and everything else as the user; run alone
 * without root, each of their files fails with one message saying so.
 */
export const ROOT_PROJECTS: readonly string[] = [
  '@spinkube/shim (integration)',
  '@spinkube/runtime-class-manager (integration)',
  '@spinkube/e2e',
];

const REQUIRE_ROOT_SETUP = new URL('./tools/vitest-require-root.ts', import.meta.url).pathname;

/** Unit tests of a package: `*.test.ts` beside the code, no external processes. */
export function packageProject(name: string, options: { readonly globalSetup?: string[] } = {}) {
  return defineProject({
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      exclude: ['**/*.int.test.ts', '**/node_modules/**', '**/dist/**'],
      environment: 'node',
      restoreMocks: true,
      testTimeout: 30_000,
      ...(options.globalSetup ? { globalSetup: options.globalSetup } : {}),
    },
  });
}

/**
 * Integration tests of a package: `test/*.int.test.ts`, against real processes that `globalSetup` starts
 * once for the run (e.g. a local Kubernetes cluster) and stops at the end.
 */
export function integrationProject(name: string, globalSetup: string[]) {
  const projectName = `${name} (integration)`;
  const needsRoot = ROOT_PROJECTS.includes(projectName);
  return defineProject({
    test: {
      name: projectName,
      include: ['test/**/*.int.test.ts'],
      environment: 'node',
      globalSetup,
      ...(needsRoot ? { setupFiles: [REQUIRE_ROOT_SETUP], env: { SPINKUBE_ROOT_PROJECT: projectName } } : {}),
      testTimeout: 180_000,
      hookTimeout: 1_800_000,
    },
  });
}

/**
 * The end-to-end suite (`e2e/`): `*.e2e.test.ts`, each file with its own cluster and real node, one file at
 * a time (a real node takes a good part of this machine's two cores).
 */
export function e2eProject(name: string) {
  const needsRoot = ROOT_PROJECTS.includes(name);
  return defineProject({
    test: {
      name,
      include: ['**/*.e2e.test.ts'],
      environment: 'node',
      fileParallelism: false,
      ...(needsRoot ? { setupFiles: [REQUIRE_ROOT_SETUP], env: { SPINKUBE_ROOT_PROJECT: name } } : {}),
      testTimeout: 180_000,
      hookTimeout: 900_000,
    },
  });
}
