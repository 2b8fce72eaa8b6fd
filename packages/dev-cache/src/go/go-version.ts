/** Go release versions as the toolchain names them (`go1.26.8`, `go1.27rc1`, `1.26`), compared numerically. */
export interface GoVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/** `go1.26.8` → 1.26.8; `1.26` → 1.26.0; a pre-release (`go1.27rc1`) counts as before 1.27.0. */
export function parseGoVersion(text: string): GoVersion | undefined {
  const match = /^(?:go)?(\d+)\.(\d+)(?:\.(\d+))?(rc\d+|beta\d+)?/.exec(text.trim());
  if (!match) return undefined;
  const patch = match[4] ? -1 : Number(match[3] ?? 0);
  return { major: Number(match[1]), minor: Number(match[2]), patch };
}

export function isAtLeast(version: GoVersion, minimum: GoVersion): boolean {
  if (version.major !== minimum.major) return version.major > minimum.major;
  if (version.minor !== minimum.minor) return version.minor > minimum.minor;
  return version.patch >= minimum.patch;
}
