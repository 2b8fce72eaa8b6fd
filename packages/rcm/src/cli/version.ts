/**
 * The runtime-class-manager's version, shared by its three executables: the package's, or the one a
 * single executable was built with (where there is no package.json beside the code; the packaging script
 * defines RCM_VERSION).
 */
import { readFileSync } from 'node:fs';

declare const RCM_VERSION: string | undefined;

export function rcmVersion(): string {
  if (typeof RCM_VERSION === 'string') return RCM_VERSION;
  const packageJson = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
}
