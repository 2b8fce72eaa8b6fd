import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeTerminationMessage } from './termination-message.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rcm-termination-'));
  dirs.push(dir);
  return dir;
}

describe('the termination message', () => {
  it('replaces what the termination log held', () => {
    const log = join(scratch(), 'termination-log');
    writeFileSync(log, 'earlier text that is longer');
    expect(writeTerminationMessage(log, 'shim spin-v2 is not installed')).toBe(true);
    expect(readFileSync(log, 'utf8')).toBe('shim spin-v2 is not installed');
  });

  it('creates no file outside a pod, and gives up quietly on one it cannot write', () => {
    const dir = scratch();
    expect(writeTerminationMessage(join(dir, 'termination-log'), 'x')).toBe(false);
    expect(existsSync(join(dir, 'termination-log'))).toBe(false);
    expect(writeTerminationMessage(dir, 'x')).toBe(false);
  });
});
