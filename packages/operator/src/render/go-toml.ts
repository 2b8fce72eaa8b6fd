/**
 * The part of go-toml v2's encoder that upstream spin-operator's runtime config goes through, reproduced
 * byte for byte: the Secret holding the config is named after an adler32 of these bytes, so any
 * difference would rename every Secret and roll every pod on upgrade. No JS TOML library writes TOML
 * the way go-toml does (literal strings, header layout), hence this small emitter.
 */

/** A string as go-toml writes it: a 'literal' unless it holds `'`, a newline or a byte outside ASCII. */
export function tomlString(value: string): string {
  return needsBasicString(value) ? basicString(value) : `'${value}'`;
}

/** A key: bare when it is made of letters, digits, `_` and `-`, otherwise quoted like a string. */
export function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : tomlString(key);
}

function needsBasicString(value: string): boolean {
  for (const byte of Buffer.from(value, 'utf8')) {
    if (byte === 0x27 || byte === 0x0d || byte === 0x0a) return true;
    if (byte === 0x09) continue;
    if (byte < 0x20 || byte > 0x7e) return true;
  }
  return false;
}

function basicString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"') out += '\\"';
    else if (char === '\\') out += '\\\\';
    else if (char === '\b') out += '\\b';
    else if (char === '\t') out += '\\t';
    else if (char === '\n') out += '\\n';
    else if (char === '\f') out += '\\f';
    else if (char === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

/** `key = value` lines of a map-backed table, sorted by key as go-toml sorts map keys. */
export function sortedKeyValues(table: Readonly<Record<string, string>>): string[] {
  return Object.keys(table)
    .sort()
    .map((key) => `${tomlKey(key)} = ${tomlString(table[key] ?? '')}`);
}
