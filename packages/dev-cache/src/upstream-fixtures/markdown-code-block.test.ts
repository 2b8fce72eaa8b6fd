import { describe, expect, it } from 'vitest';
import { extractCodeBlock } from './markdown-code-block.js';

const readme = [
  '# Demo',
  '',
  '```bash',
  'echo not yaml',
  '```',
  '',
  '```yaml',
  'first: 1',
  '```',
  '',
  'Then:',
  '',
  '```yaml',
  'second: 2',
  '',
  '---',
  'third: 3',
  '```',
  '',
].join('\n');

describe('extractCodeBlock', () => {
  it('returns the n-th block of the language, its lines each ending in a newline', () => {
    expect(extractCodeBlock(readme, 'yaml', 0)).toBe('first: 1\n');
    expect(extractCodeBlock(readme, 'yaml', 1)).toBe('second: 2\n\n---\nthird: 3\n');
    expect(extractCodeBlock(readme, 'bash', 0)).toBe('echo not yaml\n');
  });

  it('returns undefined for a block that does not exist or never closes', () => {
    expect(extractCodeBlock(readme, 'yaml', 2)).toBeUndefined();
    expect(extractCodeBlock(readme, 'toml', 0)).toBeUndefined();
    expect(extractCodeBlock('```yaml\nopen: true\n', 'yaml', 0)).toBeUndefined();
  });
});
