// Setup file of the projects in ROOT_PROJECTS (vitest.shared.ts): without root, each of their files fails
// with this one message instead of a wall of permission errors from containerd, mount and ip.
const project = process.env['SPINKUBE_ROOT_PROJECT'] ?? 'this project';
if (process.getuid?.() !== 0) {
  throw new Error(
    `${project} needs root: its tests start containerd, mount filesystems and create network namespaces. ` +
      `scripts/test.sh runs it through sudo for a normal user; to run it alone: ` +
      `sudo env "PATH=$PATH" npx vitest run --project '${project}'`,
  );
}
export {};
