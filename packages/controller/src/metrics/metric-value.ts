/**
 * Reads one sample back from a registry, e.g. `controller_runtime_reconcile_total{controller="spinapp",
 * result="error"}`: what tests (here and in the operator's) assert on, without parsing the text format.
 */
import type { Registry } from 'prom-client';

/**
 * The value of the sample `name` (for histograms `x_bucket`, `x_sum` or `x_count`) whose labels include
 * `labels`; `undefined` when no such sample exists.
 */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Readonly<Record<string, string | number>> = {},
): Promise<number | undefined> {
  const family =
    registry.getSingleMetric(name) ?? registry.getSingleMetric(name.replace(/_(bucket|sum|count)$/, ''));
  if (!family) return undefined;
  const { name: familyName, values } = await family.get();
  const sample = values.find(
    (value: { labels: Partial<Record<string, string | number>>; metricName?: string }) =>
      (value.metricName ?? familyName) === name &&
      Object.entries(labels).every(([key, wanted]) => String(value.labels[key]) === String(wanted)),
  );
  return sample?.value;
}
