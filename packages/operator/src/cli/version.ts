/**
 * The operator's version: the package's, or the one its single executable was built with (where there is
 * no package.json beside the code).
 */
import { readFileSync } from 'node:fs';

declare const SPIN_OPERATOR_VERSION: string | undefined;

export function operatorVersion(): string {
  if (typeof SPIN_OPERATOR_VERSION === 'string') return SPIN_OPERATOR_VERSION;
  const packageJson = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
}
