/** The Go this repository's tools build with, pinned in one place. */
export const GoPins = {
  /**
   * The oldest Go that builds every pinned tool (the highest `go` line among their go.mod files: etcd
   * v3.6.16 says `go 1.26.0`). A machine's Go at least this new is used as it is.
   */
  minimum: '1.26',
  /** Installed from the Go module proxy (module golang.org/toolchain) when the machine's Go is missing or older. */
  toolchain: 'go1.27.3',
  /** go.sum hashes of golang.org/toolchain@v0.0.1-<toolchain>.<platform>, as the checksum database lists them. */
  sums: {
    'linux-amd64': 'h1:r0ub+FnqzZxoWm/dSUOI9DcIqYWn/mNYGFJcv7PyBzs=',
  } as Readonly<Record<string, string>>,
} as const;

/** Go's name for this machine's platform (`linux-amd64`). */
export function goPlatform(
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): string {
  const goArch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };
  return `${platform}-${goArch[arch] ?? arch}`;
}
