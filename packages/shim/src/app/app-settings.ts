/**
 * What a pod's environment asks of its app, read the way containerd-shim-spin reads it: the listen address
 * (`SPIN_HTTP_LISTEN_ADDR`, default `0.0.0.0:80`), the components to retain, the instance memory limit, and
 * the environment app variables are resolved from (a plain `NAME` is mirrored to `SPIN_VARIABLE_NAME` for
 * every variable the app declares).
 */
import { SpinEnv } from '@spinkube/api';
import { parseListenAddress, type ListenAddress } from '@spinkube/runtime';
import { ShimError } from '../errors.js';

export interface AppSettings {
  readonly env: Readonly<Record<string, string>>;
  readonly listen: ListenAddress;
  readonly componentIds: readonly string[];
  readonly maxInstanceMemory?: number;
}

export function envFromList(list: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of list) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

export function appSettings(list: readonly string[]): AppSettings {
  const env = envFromList(list);
  const listenText = env[SpinEnv.httpListenAddr] ?? SpinEnv.httpListenAddrDefault;
  const memoryText = env[SpinEnv.maxInstanceMemory];
  let maxInstanceMemory: number | undefined;
  if (memoryText !== undefined && memoryText !== '') {
    maxInstanceMemory = Number(memoryText);
    if (!Number.isSafeInteger(maxInstanceMemory) || maxInstanceMemory <= 0) {
      throw new ShimError(
        'InvalidArgument',
        `${SpinEnv.maxInstanceMemory}="${memoryText}" must be a positive number of bytes`,
      );
    }
  }
  return {
    env,
    listen: parseListen(listenText),
    componentIds: (env[SpinEnv.componentsToRetain] ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id !== ''),
    ...(maxInstanceMemory === undefined ? {} : { maxInstanceMemory }),
  };
}

/**
 * Spin's variables provider reads `SPIN_VARIABLE_<NAME>`; containerd-shim-spin also lets a pod set the
 * plain upper-case name, which it copies over. An explicit `SPIN_VARIABLE_` value wins.
 */
export function mirrorVariables(
  env: Readonly<Record<string, string>>,
  variableNames: Iterable<string>,
): Record<string, string> {
  const result = { ...env };
  for (const name of variableNames) {
    const upper = name.toUpperCase();
    const value = env[upper];
    const target = `${SpinEnv.variablePrefix}${upper}`;
    if (value !== undefined && result[target] === undefined) result[target] = value;
  }
  return result;
}

/** The runtime's own parser (`spin up --listen` syntax), with the variable's name in the error. */
function parseListen(text: string): ListenAddress {
  try {
    return parseListenAddress(text);
  } catch {
    throw new ShimError(
      'InvalidArgument',
      `${SpinEnv.httpListenAddr}="${text}" must be host:port, e.g. 0.0.0.0:80 or [::]:8080`,
    );
  }
}
