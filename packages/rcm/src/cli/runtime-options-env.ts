/**
 * `RUNTIME_OPTIONS`: the Shim's `containerdRuntimeOptions` as the node Job passes them, a JSON object of
 * strings (`{"SystemdCgroup":"true"}`). Unset or empty means no options; anything else that is not such an
 * object is refused naming the variable and what is wrong.
 */
import { InstallerError } from '../node-installer/installer-error.js';

export const RUNTIME_OPTIONS = 'RUNTIME_OPTIONS';

export function runtimeOptionsFromEnv(env: NodeJS.ProcessEnv): Readonly<Record<string, string>> | undefined {
  const text = env[RUNTIME_OPTIONS]?.trim();
  if (!text) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InstallerError(
      'OptionsInvalid',
      `${RUNTIME_OPTIONS} is not valid JSON (${(error as Error).message}): ${text}`,
      { cause: error },
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new InstallerError(
      'OptionsInvalid',
      `${RUNTIME_OPTIONS} must be a JSON object of strings, not ${kind(parsed)}: ${text}`,
    );
  const options: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string')
      throw new InstallerError(
        'OptionsInvalid',
        `${RUNTIME_OPTIONS}: the value of "${key}" must be a string, not ${kind(value)} (write "${key}": "${JSON.stringify(value).replaceAll('"', '\\"')}")`,
      );
    options[key] = value;
  }
  return options;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
