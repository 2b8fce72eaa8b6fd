import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SHIM_VERSION, versionText } from './version.js';

describe('version', () => {
  it('is the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(SHIM_VERSION).toBe(pkg.version);
  });

  it('prints like containerd-shim-spin -v', () => {
    expect(versionText('containerd-shim-spin-v2')).toMatch(
      /^containerd-shim-spin-v2:\n {2}Runtime: spin\n {2}Version: \d+\.\d+\.\d+\n {2}Revision: \S+\n$/,
    );
  });
});
