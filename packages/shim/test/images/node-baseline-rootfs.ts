/**
 * The container baseline for the shim's benchmark: a rootfs for a runc container that answers every HTTP
 * request the way examples/tiny-hello does, with the Node binary running the tests plus its shared
 * libraries (from `ldd`) and a tiny `server.mjs`. No distribution image exists on this machine, and this
 * is the smallest container that does the same work with the same engine.
 */
import { chmod, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runChecked } from '@spinkube/test-cluster';
import { parseLddOutput } from '@spinkube/image-builder';

/** examples/tiny-hello's answer (component.wat): 200 with this body and no headers of its own. */
export const TINY_HELLO_BODY = 'Hello from a tiny component\n';

export interface NodeBaselineRootfs {
  readonly rootfs: string;
  /** `ctr run … <rootfs> <id> ...args`; the port is `PORT` in the environment, 80 by default. */
  readonly args: readonly string[];
}

// PID 1 of a PID namespace gets no default signal handlers: without these, `ctr task kill` (SIGTERM)
// would do nothing, unlike the Spin shim's app.
const SERVER_SOURCE = `import { createServer } from 'node:http';

const body = ${JSON.stringify(TINY_HELLO_BODY)};
const server = createServer((request, response) => {
  request.resume();
  response.end(body);
});
server.listen(Number(process.env.PORT ?? 80), '0.0.0.0');
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
`;

/** Fills `dir` (created if missing) with the rootfs; returns it with the command to run. */
export async function nodeBaselineRootfs(dir: string): Promise<NodeBaselineRootfs> {
  const node = process.execPath;
  const libraries = parseLddOutput(await runChecked('/usr/bin/ldd', [node]), node);
  const copies: [string, string][] = [[node, join(dir, 'bin/node')]];
  // Each library at the path ldd names, which the loader's default search paths cover.
  for (const library of libraries) copies.push([library, join(dir, library)]);
  for (const [from, to] of copies) {
    await mkdir(dirname(to), { recursive: true });
    await copyFile(from, to);
  }
  await chmod(join(dir, 'bin/node'), 0o755);
  await mkdir(join(dir, 'tmp'), { recursive: true });
  await chmod(join(dir, 'tmp'), 0o1777);
  await writeFile(join(dir, 'server.mjs'), SERVER_SOURCE);
  return { rootfs: dir, args: ['/bin/node', '/server.mjs'] };
}
