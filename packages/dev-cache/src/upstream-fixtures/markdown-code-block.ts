/**
 * One fenced code block of a Markdown file (some upstream examples exist only inside a README). The block's
 * lines between its fences, each ending in a newline. Only ``` fences at the start of a line are counted,
 * which is all upstream's READMEs use; a full Markdown parser would add a dependency for nothing more.
 */
export function extractCodeBlock(markdown: string, language: string, index: number): string | undefined {
  const lines = markdown.split('\n');
  let found = -1;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trimEnd() !== '```' + language) continue;
    found++;
    const end = lines.findIndex((line, j) => j > i && line.trimEnd() === '```');
    if (end === -1) return undefined;
    if (found === index)
      return lines
        .slice(i + 1, end)
        .map((line) => `${line}\n`)
        .join('');
    i = end;
  }
  return undefined;
}
