/**
 * Go's `time.ParseDuration` syntax (`15s`, `1m30s`, `500ms`, `1.5h`), which controller flags such as
 * `--graceful-shutdown-timeout` take upstream. Written here: the npm duration parsers accept other forms
 * (`1 day`, bare numbers) that Go refuses, and a flag should mean the same thing in both.
 */
const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

export function parseGoDuration(text: string): number {
  const input = text.trim();
  if (input === '0') return 0;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let sign = 1;
  let index = 0;
  if (input.startsWith('-') || input.startsWith('+')) {
    sign = input.startsWith('-') ? -1 : 1;
    index = 1;
  }
  let total = 0;
  let parts = 0;
  while (index < input.length) {
    part.lastIndex = index;
    const match = part.exec(input);
    if (!match) break;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? 0);
    index = part.lastIndex;
    parts++;
  }
  if (parts === 0 || index !== input.length) {
    throw new Error(`invalid duration "${text}": use Go syntax such as 15s, 1m30s or 500ms`);
  }
  return sign * total;
}
