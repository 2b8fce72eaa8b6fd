import { defineConfig } from 'vitest/config';

// `npm test` at the root runs every package's project in one run; `npx vitest run --project @spinkube/api`
// or `npx nx test api` runs one package alone.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'packages/*/vitest.int.config.ts', 'e2e/vitest.config.ts'],
    reporters: ['default', './tools/vitest-summary-reporter.ts'],
  },
});
