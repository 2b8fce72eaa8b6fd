/** The shim's version (kept equal to package.json's by a test) and the source revision it was built from. */
export const SHIM_VERSION = '0.1.0';
/** Replaced by the packaging step when it knows the git revision. */
export const SHIM_REVISION: string = process.env['SPINKUBE_SHIM_REVISION'] ?? 'unknown';

/** `-v`: the format containerd-shim-spin prints. */
export function versionText(program: string): string {
  return `${program}:\n  Runtime: spin\n  Version: ${SHIM_VERSION}\n  Revision: ${SHIM_REVISION}\n`;
}
