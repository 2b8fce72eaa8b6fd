/**
 * A stand-in for the shim's entry, to prove the single-executable pipeline end to end while the shim's own
 * `src/main.ts` does not exist: the parts of @spinkube/runtime that an executable can break (worker
 * threads started from a file, jco-transpile's wasm and its I/O worker, transpiled glue imported from the
 * cache, node:sqlite) all run on the way to one HTTP response.
 *
 *   containerd-shim-spin-v2 -v
 *   containerd-shim-spin-v2 serve <app dir or spin.toml> <state dir> [port]
 *
 * `serve` prints `Serving <url>` when it listens (and the Node flags it runs with to stderr), and stops on
 * SIGTERM or SIGINT. Packaged with `node scripts/package-sea.ts --entry scripts/stand-in-main.ts`.
 */
import { loadApp, serveApp } from '@spinkube/runtime';

const [command, from, stateDir, port] = process.argv.slice(2);

if (command === '-v' || command === '--version') {
  process.stdout.write(
    `containerd-shim-spin-v2:\n  Runtime: spin\n  Version: stand-in (node ${process.version})\n`,
  );
} else if (command === 'serve' && from && stateDir) {
  const served = await serveApp(loadApp({ from, stateDir }), {
    host: '127.0.0.1',
    port: Number(port ?? '0'),
    workers: 2,
  });
  process.stderr.write(`node flags: ${process.execArgv.join(' ')}\n`);
  process.stdout.write(`Serving ${served.url}\n`);
  const stop = () => {
    void served.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} else {
  process.stderr.write('usage: containerd-shim-spin-v2 -v | serve <app> <state dir> [port]\n');
  process.exit(2);
}
