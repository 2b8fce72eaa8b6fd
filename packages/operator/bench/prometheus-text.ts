/**
 * Just enough of the Prometheus text format to read an operator's /metrics: samples with their labels,
 * sums over label filters, the difference between two scrapes and a histogram quantile from it.
 */
import { get, type RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export type LabelFilter = Readonly<Record<string, string>>;

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export class Metrics {
  readonly samples: readonly Sample[];

  constructor(samples: readonly Sample[]) {
    this.samples = samples;
  }

  static parse(text: string): Metrics {
    const samples: Sample[] = [];
    for (const line of text.split('\n')) {
      if (line.startsWith('#') || line.trim() === '') continue;
      const match = SAMPLE.exec(line);
      if (!match) continue;
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key ?? ''] = value ?? '';
      samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
    }
    return new Metrics(samples);
  }

  /** Sum of the samples named `name` whose labels include `filter`. */
  sum(name: string, filter: LabelFilter = {}): number {
    return this.samples
      .filter((s) => s.name === name && matches(s.labels, filter))
      .reduce((total, s) => total + s.value, 0);
  }

  /** Counters and histograms accrued since `earlier` (gauges keep their current value). */
  since(earlier: Metrics): Metrics {
    const before = new Map(earlier.samples.map((s) => [sampleKey(s), s.value]));
    return new Metrics(
      this.samples.map((s) => ({
        ...s,
        value: isAccruing(s.name) ? s.value - (before.get(sampleKey(s)) ?? 0) : s.value,
      })),
    );
  }

  /** The `q` quantile of histogram `name` (interpolated within its bucket, as PromQL's histogram_quantile). */
  quantile(name: string, q: number, filter: LabelFilter = {}): number {
    const buckets = new Map<number, number>();
    for (const s of this.samples) {
      if (s.name !== `${name}_bucket` || !matches(s.labels, filter)) continue;
      const bound = Number(s.labels['le']);
      buckets.set(bound, (buckets.get(bound) ?? 0) + s.value);
    }
    const sorted = [...buckets].sort(([a], [b]) => a - b);
    const total = sorted.at(-1)?.[1] ?? 0;
    if (total === 0) return Number.NaN;
    const rank = q * total;
    let lowerBound = 0;
    let lowerCount = 0;
    for (const [bound, count] of sorted) {
      if (count >= rank) {
        if (bound === Number.POSITIVE_INFINITY) return lowerBound;
        return lowerBound + ((bound - lowerBound) * (rank - lowerCount)) / Math.max(count - lowerCount, 1e-9);
      }
      lowerBound = bound;
      lowerCount = count;
    }
    return lowerBound;
  }

  /** Sums of `name` grouped by the values of `labels`, largest first. */
  groupBy(name: string, labels: readonly string[]): { readonly key: string; readonly value: number }[] {
    const groups = new Map<string, number>();
    for (const s of this.samples) {
      if (s.name !== name) continue;
      const key = labels
        .map((label) => s.labels[label] ?? '')
        .filter((v) => v !== '')
        .join(' ');
      groups.set(key, (groups.get(key) ?? 0) + s.value);
    }
    return [...groups]
      .map(([key, value]) => ({ key, value }))
      .filter((g) => g.value > 0)
      .sort((a, b) => b.value - a.value);
  }

  /** Mean of histogram or summary `name`: its `_sum` over its `_count`. */
  mean(name: string, filter: LabelFilter = {}): number {
    const count = this.sum(`${name}_count`, filter);
    return count === 0 ? Number.NaN : this.sum(`${name}_sum`, filter) / count;
  }
}

export async function scrapeMetrics(url: string): Promise<Metrics> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${String(response.status)}`);
  return Metrics.parse(await response.text());
}

function matches(labels: Readonly<Record<string, string>>, filter: LabelFilter): boolean {
  return Object.entries(filter).every(([key, value]) => labels[key] === value);
}

function sampleKey(sample: Sample): string {
  const labels = Object.entries(sample.labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  return `${sample.name}{${labels}}`;
}

function isAccruing(name: string): boolean {
  return /_(total|sum|count|bucket)$/.test(name);
}

/** The API server's own /metrics, read with the kubeconfig's client certificate. */
export async function scrapeApiServerMetrics(kubeConfig: KubeConfig): Promise<Metrics> {
  const options: RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(options);
  const url = `${kubeConfig.getCurrentCluster()?.server ?? ''}/metrics`;
  const text = await new Promise<string>((resolve, reject) => {
    get(url, options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        if (response.statusCode === 200) resolve(Buffer.concat(chunks).toString('utf8'));
        else reject(new Error(`GET ${url}: ${String(response.statusCode)}`));
      });
      response.on('error', reject);
    }).on('error', reject);
  });
  return Metrics.parse(text);
}
