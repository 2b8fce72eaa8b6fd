/**
 * Points the `source` of each component in spin.toml text at its wasm's path inside an image. The text
 * is edited in place (only those string values change), so comments, order and everything else in the
 * manifest stay as they were.
 */

/** `sources`: the path as written in the manifest → the path to write instead. */
export function rewriteComponentSources(
  toml: string,
  sources: ReadonlyMap<string, string>,
  file: string,
): string {
  let text = toml;
  for (const [from, to] of sources) {
    const pattern = new RegExp(`(\\bsource\\s*=\\s*)(["'])${escapeRegExp(from)}\\2`, 'g');
    if (!pattern.test(text)) throw new Error(`${file}: no \`source = "${from}"\` to rewrite`);
    text = text.replace(pattern, (_match, key: string, quote: string) => `${key}${quote}${to}${quote}`);
  }
  return text;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
