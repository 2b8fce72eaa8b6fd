#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=1 --optimize-for-size
/**
 * containerd-shim-spin-v2: `start` and `delete` as containerd runs them, `-v`, `-info`, the server itself (no
 * action, `-socket`), and the network-namespace helper. Flags follow Go's flag syntax, as containerd
 * passes them.
 */
import { basename } from 'node:path';
import { FlagError, parseShimFlags, type ShimFlags } from './launch/flags.js';
import { NETNS_LISTEN_ACTION } from './app/netns-action.js';
import { versionText } from './version.js';

const USAGE = `Usage: containerd-shim-spin-v2 [flags] [start|delete]

A containerd runtime v2 shim (runtime type io.containerd.spin.v2) that runs Spin apps without a container.
containerd runs it; it is not meant to be run by hand.

Flags:
  -namespace NS        containerd namespace (required)
  -address PATH        containerd's gRPC socket
  -publish-binary PATH containerd binary (unused: events go over ttrpc)
  -id ID               task id
  -bundle DIR          bundle directory (delete)
  -socket ADDR         address the server listens on (the server itself)
  -debug               log at debug level to the bundle's log FIFO
  -v                   print the version
  -info                print the RuntimeInfo protobuf (options protobuf on stdin), as containerd 2.x asks
`;

async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === NETNS_LISTEN_ACTION) {
    // Each action loads only what it needs: `start` and `delete` run once per task and must be quick.
    const { runNetnsListenHelper } = await import('./app/netns-listener.js');
    await runNetnsListenHelper(argv.slice(1));
    return;
  }
  const flags = parseShimFlags(argv);
  if (flags.version) {
    process.stdout.write(versionText(programName()));
    return;
  }
  if (flags.info) {
    const { runInfo } = await import('./launch/info-command.js');
    await runInfo();
    return;
  }
  if (flags.help) {
    process.stdout.write(USAGE);
    return;
  }
  const namespace = required(flags, 'namespace');
  switch (flags.action) {
    case 'start': {
      const { runStart } = await import('./launch/start-command.js');
      await runStart({ ...flags, namespace, address: required(flags, 'address'), id: required(flags, 'id') });
      return;
    }
    case 'delete': {
      const { runDelete } = await import('./launch/delete-command.js');
      await runDelete({ ...flags, namespace });
      return;
    }
    case undefined: {
      if (!flags.socket) throw new FlagError('Shim socket cannot be empty');
      const { runShimServer } = await import('./server/shim-server.js');
      await runShimServer({
        namespace,
        address: required(flags, 'address'),
        socket: flags.socket,
        debug: flags.debug,
        ...(flags.id ? { id: flags.id } : {}),
      });
      return;
    }
    default:
      throw new FlagError(`unknown action "${flags.action}": expected start or delete`);
  }
}

function required(flags: ShimFlags, name: 'namespace' | 'address' | 'id'): string {
  const value = flags[name];
  if (!value) throw new FlagError(`-${name} is required`);
  return value;
}

function programName(): string {
  const invoked = process.argv[1] ?? process.argv0;
  return basename(invoked).replace(/\.js$/, '') === 'main' ? 'containerd-shim-spin-v2' : basename(invoked);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(
    `containerd-shim-spin-v2: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(error instanceof FlagError ? 2 : 1);
});
