import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends a vitest run with one plain line, `Tests: N passed, N failed[, N skipped]`, that CI systems and
 * people can read without knowing vitest's own summary format.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const testModule of testModules) {
      for (const test of testModule.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      // A file that failed to load has no tests but is still a failure.
      if (testModule.state() === 'failed' && testModule.children.size === 0) failed++;
    }
    const parts = [`${passed} passed`, `${failed} failed`];
    if (skipped > 0) parts.push(`${skipped} skipped`);
    process.stdout.write(`\nTests: ${parts.join(', ')}\n`);
  }
}
