import { describe, expect, it } from 'vitest';
import { parseTemplate, renderTemplate } from './template.js';

const fail = (message: string): never => {
  throw new Error(message);
};

describe('variable templates', () => {
  it('splits text and references, with or without spaces', () => {
    expect(parseTemplate('https://{{host}}/{{ path_1 }}!', fail)).toEqual([
      { kind: 'text', text: 'https://' },
      { kind: 'variable', name: 'host' },
      { kind: 'text', text: '/' },
      { kind: 'variable', name: 'path_1' },
      { kind: 'text', text: '!' },
    ]);
  });

  it('renders from resolved values', () => {
    const parts = parseTemplate('{{ a }}-{{ b }}', fail);
    expect(renderTemplate(parts, (name) => name.toUpperCase())).toBe('A-B');
  });

  it.each(['{{ Bad }}', 'x {{ y', 'x }} y', 'x {{ y {{ z }}', '{{ }}'])('refuses %j', (template) => {
    expect(() => parseTemplate(template, fail)).toThrow();
  });
});
