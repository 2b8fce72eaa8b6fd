// containerd-shim-spin-v2 is a program (src/main.ts, packaged by scripts/package-sea.ts); its modules are
// not a library API, so the package exports nothing.
export {};
