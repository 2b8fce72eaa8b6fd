/**
 * Spin variable templates: literal text with `{{ name }}` references, e.g. `"https://{{ host }}/api"`.
 */

export type TemplatePart =
  { readonly kind: 'text'; readonly text: string } | { readonly kind: 'variable'; readonly name: string };

const REFERENCE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Splits a template into text and references; `fail` reports a malformed one. */
export function parseTemplate(template: string, fail: (message: string) => never): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of template.matchAll(REFERENCE)) {
    const name = match[1] ?? '';
    if (!/^[a-z][a-z0-9_]*$/.test(name))
      fail(`template reference "{{ ${name} }}" must name a snake_case variable`);
    if (match.index > last) parts.push(textPart(template.slice(last, match.index), template, fail));
    parts.push({ kind: 'variable', name });
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push(textPart(template.slice(last), template, fail));
  return parts;
}

function textPart(text: string, template: string, fail: (message: string) => never): TemplatePart {
  if (text.includes('{{') || text.includes('}}')) fail(`unbalanced "{{" or "}}" in template "${template}"`);
  return { kind: 'text', text };
}

/** Names of the variables a template refers to. */
export function templateReferences(template: string, fail: (message: string) => never): string[] {
  return parseTemplate(template, fail).flatMap((part) => (part.kind === 'variable' ? [part.name] : []));
}

/** Fills a template from resolved values. */
export function renderTemplate(parts: readonly TemplatePart[], values: (name: string) => string): string {
  return parts.map((part) => (part.kind === 'text' ? part.text : values(part.name))).join('');
}
