/**
 * Where a V8 CPU profile (`node --cpu-prof`) spent its samples: self time by function and by origin (a
 * workspace package, an npm package, Node's internals, garbage collection, idle).
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileBreakdown {
  /** Sampled time in ms, idle included. */
  readonly totalMs: number;
  readonly byOrigin: readonly { readonly origin: string; readonly ms: number }[];
  readonly byFunction: readonly { readonly name: string; readonly origin: string; readonly ms: number }[];
}

export function analyseCpuProfile(file: string): ProfileBreakdown {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  const byOrigin = new Map<string, number>();
  const byFunction = new Map<string, { name: string; origin: string; ms: number }>();
  let totalMs = 0;
  for (const [id, ms] of selfMs) {
    const frame = nodes.get(id)?.callFrame;
    if (!frame) continue;
    totalMs += ms;
    const origin = originOf(frame.url, frame.functionName);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + ms);
    const name = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${String(frame.lineNumber + 1)}`;
    const entry = byFunction.get(name) ?? { name, origin, ms: 0 };
    entry.ms += ms;
    byFunction.set(name, entry);
  }
  return {
    totalMs,
    byOrigin: [...byOrigin].map(([origin, ms]) => ({ origin, ms })).sort((a, b) => b.ms - a.ms),
    byFunction: [...byFunction.values()].sort((a, b) => b.ms - a.ms),
  };
}

function originOf(url: string, functionName: string): string {
  if (url === '') {
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(garbage collector)') return '(garbage collector)';
    if (functionName === '(program)') return '(program: native, unattributed)';
    return `(native: ${functionName})`;
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0] ?? ''}`;
  const npm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (npm) return npm[1] ?? url;
  const workspace = /\/packages\/([^/]+)\//.exec(url);
  if (workspace) return `@spinkube/${workspace[1] ?? ''}`;
  return url;
}

function shortUrl(url: string): string {
  const inPackage = /(?:node_modules|packages)\/(.*)$/.exec(url);
  return inPackage?.[1] ?? url.replace(/^file:\/\//, '');
}
