/**
 * A plain HTTP file server on the real node's host-side address (pods reach it through the node, as they
 * would a release download server): serves the given files from memory, 404 for anything else, and counts
 * what was asked for. Stopped with the test file.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FileServer {
  /** `http://<address>:<port>` */
  readonly url: string;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  serve(path: string, bytes: Uint8Array): void;
  stop(): Promise<void>;
}

export async function startFileServer(address: string): Promise<FileServer> {
  const files = new Map<string, Uint8Array>();
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const bytes = files.get(path);
    if (!bytes) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end(`${path} not found\n`);
      return;
    }
    response
      .writeHead(200, { 'content-type': 'application/gzip', 'content-length': bytes.length })
      .end(bytes);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject).listen(0, address, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${String(port)}`,
    requests,
    serve: (path, bytes) => {
      files.set(path, bytes);
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
