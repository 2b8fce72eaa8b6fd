import { defineProject } from 'vitest/config';

/** The settings every package's vitest project shares; each package adds only its name. */
export function packageProject(name: string) {
  return defineProject({
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      restoreMocks: true,
      testTimeout: 30_000,
    },
  });
}
