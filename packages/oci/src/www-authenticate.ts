/** Parses a registry's `WWW-Authenticate` challenge (`Bearer realm="…",service="…",scope="…"`). */

export interface AuthChallenge {
  /** Lowercased: `bearer` or `basic`. */
  readonly scheme: string;
  readonly params: ReadonlyMap<string, string>;
}

const PARAM = /\s*([A-Za-z0-9_.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/y;

/** The first challenge in the header; registries send one. Undefined when there is none. */
export function parseAuthChallenge(header: string | null): AuthChallenge | undefined {
  const match = header === null ? null : /^\s*([A-Za-z]+)(?:\s+|$)/.exec(header);
  if (!header || !match?.[1]) return undefined;
  const params = new Map<string, string>();
  PARAM.lastIndex = match[0].length;
  for (let param = PARAM.exec(header); param; param = PARAM.exec(header)) {
    const [, name = '', quoted, bare] = param;
    params.set(name.toLowerCase(), quoted === undefined ? (bare ?? '') : quoted.replace(/\\(.)/g, '$1'));
    if (PARAM.lastIndex >= header.length) break;
  }
  return { scheme: match[1].toLowerCase(), params };
}
