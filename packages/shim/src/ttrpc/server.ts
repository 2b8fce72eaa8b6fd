/**
 * A ttrpc server (containerd's RPC protocol for shims, https://github.com/containerd/ttrpc). No maintained
 * ttrpc implementation exists on npm, so this one is ours; it serves unary calls only, which is all the
 * task service needs.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { ServerConnection } from './server-connection.js';
import { ServiceRegistry, type TtrpcHandler } from './service-registry.js';
import { listenOnUnixSocket } from './unix-socket.js';

export type { TtrpcCall, TtrpcHandler } from './service-registry.js';

export interface CloseOptions {
  /** When it aborts, connections still busy are closed and their calls' signals abort. */
  readonly signal?: AbortSignal;
}

export class TtrpcServer {
  readonly #registry = new ServiceRegistry();
  readonly #listeners = new Set<Server>();
  readonly #connections = new Set<ServerConnection>();
  #closing: Promise<void> | undefined;

  /** Adds a service; `methods` maps method names (e.g. `Create`) to handlers. */
  register(service: string, methods: Readonly<Record<string, TtrpcHandler>>): void {
    this.#registry.register(service, methods);
  }

  /**
   * Listens on a unix socket (`/path`, `unix:///path`, or `\0name` for an abstract socket). The socket file
   * is made 0600; a stale one is replaced; if a server listens there, rejects with code 'EADDRINUSE'.
   */
  async listen(address: string): Promise<void> {
    const listener = createServer();
    this.serve(listener);
    try {
      await listenOnUnixSocket(listener, address);
    } catch (error) {
      this.#listeners.delete(listener);
      throw error;
    }
  }

  /** Serves the connections of a server the caller listens with (for example on an inherited fd). */
  serve(listener: Server): void {
    if (this.#closing) throw new Error('ttrpc: server closed');
    this.#listeners.add(listener);
    listener.on('connection', (socket: Socket) => {
      this.#accept(socket);
    });
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /**
   * Stops accepting, answers the calls in flight, then closes every connection; new calls meanwhile get
   * UNAVAILABLE. Resolves when all is closed. A handler must not await this (it would wait for itself).
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.#closing ??= this.#shutdown();
    const { signal } = options;
    if (signal) {
      const force = () => {
        for (const connection of this.#connections) connection.destroy();
      };
      if (signal.aborted) force();
      else signal.addEventListener('abort', force, { once: true });
    }
    return this.#closing;
  }

  #accept(socket: Socket): void {
    if (this.#closing) {
      socket.destroy();
      return;
    }
    const connection = new ServerConnection(socket, this.#registry);
    this.#connections.add(connection);
    void connection.closed.then(() => {
      this.#connections.delete(connection);
    });
  }

  async #shutdown(): Promise<void> {
    const listenersClosed = [...this.#listeners].map(
      (listener) =>
        new Promise<void>((resolve) => {
          // The callback also fires (with an error) when the listener was not listening.
          listener.close(() => {
            resolve();
          });
        }),
    );
    const connections = [...this.#connections];
    for (const connection of connections) connection.drain();
    await Promise.all([...listenersClosed, ...connections.map((connection) => connection.closed)]);
  }
}
