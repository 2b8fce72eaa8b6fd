/**
 * Defaulting shared by the webhook and the CLI. Upstream fills only `spec.executor`, with the name that sorts
 * first among all SpinAppExecutors in the cluster (byte order, as Go's `strings.Compare`), and leaves it
 * empty when there are none.
 */
import type { SpinApp } from '../types/spinapp.js';

export function defaultExecutorName(executorNames: readonly string[]): string | undefined {
  let first: string | undefined;
  for (const name of executorNames) {
    if (first === undefined || compareBytes(name, first) < 0) first = name;
  }
  return first;
}

/** The app with `spec.executor` defaulted; the input is not modified. */
export function applySpinAppDefaults(app: SpinApp, executorNames: readonly string[]): SpinApp {
  if (!app.spec || app.spec.executor) return app;
  const executor = defaultExecutorName(executorNames);
  return executor === undefined ? app : { ...app, spec: { ...app.spec, executor } };
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
