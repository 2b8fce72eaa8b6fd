/**
 * `containerdRuntimeOptions` are strings in the Shim (`SystemdCgroup: "true"`), but containerd wants TOML
 * values (`SystemdCgroup = true`). A string that is a TOML value (a boolean, number, quoted string, array or
 * inline table) is written as that value; anything else as a string, never as raw text that could break the
 * file. Keys are sorted, so the same options always give the same bytes.
 */
import { parse } from 'smol-toml';

export function runtimeOptionValues(options: Readonly<Record<string, string>>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(options).sort()) values[key] = tomlValue(options[key] ?? '');
  return values;
}

function tomlValue(text: string): unknown {
  try {
    return parse(`value = ${text}`)['value'];
  } catch {
    return text;
  }
}
