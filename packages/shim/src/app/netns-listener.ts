/**
 * A listening socket inside the pod's network namespace. Node cannot call setns(2), and the app shares
 * this process with other pods' apps, so a short-lived helper (this program again, started by util-linux's
 * nsenter inside the namespace) opens the socket and hands it back over the IPC channel; the socket stays
 * in that namespace for its whole life. Outbound connections the app makes start from the shim's own
 * namespace (see the package README).
 */
import { spawn } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { createServer, Server, type Socket } from 'node:net';
import { ShimError } from '../errors.js';
import type { BundleSpec } from '../bundle/oci-spec.js';
import { selfCommand } from '../launch/self-command.js';
import { NETNS_LISTEN_ACTION } from './netns-action.js';

/**
 * A listening socket whose connections are held until the app's HTTP server takes it over: the server
 * object accepts from the moment it exists, and a connection it accepted with nobody to answer would hang.
 */
export class HeldListener {
  private readonly held: Socket[] = [];
  private readonly hold = (socket: Socket) => {
    this.held.push(socket);
  };

  constructor(readonly server: Server) {
    server.on('connection', this.hold);
  }

  /** After `target` has taken the socket over: the connections accepted so far become its own. */
  handOver(target: EventEmitter): void {
    this.server.off('connection', this.hold);
    for (const socket of this.held.splice(0)) target.emit('connection', socket);
  }

  close(): void {
    this.server.off('connection', this.hold);
    for (const socket of this.held.splice(0)) socket.destroy();
    this.server.close();
  }
}

export async function listenIn(
  network: BundleSpec['network'],
  host: string,
  port: number,
): Promise<HeldListener> {
  return new HeldListener(await listenSocket(network, host, port));
}

async function listenSocket(network: BundleSpec['network'], host: string, port: number): Promise<Server> {
  if (network.kind === 'host') return listenHere(host, port);
  const self = selfCommand();
  const enter = network.kind === 'path' ? ['nsenter', `--net=${network.path}`] : ['unshare', '--net'];
  const [tool, ...toolArgs] = enter;
  return new Promise<Server>((resolve, reject) => {
    const child = spawn(
      tool ?? 'nsenter',
      [...toolArgs, '--', self.file, ...self.args, NETNS_LISTEN_ACTION, host, String(port)],
      {
        stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      },
    );
    let stderr = '';
    let settled = false;
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('message', (_message, handle) => {
      if (settled) return;
      settled = true;
      if (handle instanceof Server) resolve(handle);
      else reject(new ShimError('Internal', 'the network namespace helper sent no socket'));
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      reject(
        new ShimError(
          'Internal',
          error.code === 'ENOENT'
            ? `${tool ?? 'nsenter'} (util-linux) is needed to listen in the pod's network namespace and is not on PATH`
            : `starting the network namespace helper failed: ${error.message}`,
        ),
      );
    });
    child.on('exit', (code) => {
      if (settled) return;
      settled = true;
      const where = network.kind === 'path' ? `network namespace ${network.path}` : 'a new network namespace';
      reject(
        new ShimError(
          'Internal',
          `cannot listen on ${host}:${String(port)} in ${where}: ${stderr.trim() || `helper exited with code ${String(code)}`}`,
        ),
      );
    });
  });
}

/** The helper's side: listen, hand the socket to the parent, exit. */
export async function runNetnsListenHelper(args: readonly string[]): Promise<void> {
  const [host, portText] = args;
  const send = process.send?.bind(process);
  if (!host || !portText || !send) {
    process.stderr.write(
      `usage: ${NETNS_LISTEN_ACTION} <host> <port> (run by the shim with an IPC channel)\n`,
    );
    process.exitCode = 2;
    return;
  }
  try {
    const server = await listenHere(host, Number(portText));
    // This process accepts on the socket too until it exits: a client that lands here is reset at once
    // (and retries into the app) instead of waiting on a connection nobody will answer.
    server.on('connection', (socket) => socket.resetAndDestroy());
    send('listening', server, () => {
      server.close();
      process.exit(0);
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
}

function listenHere(host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
