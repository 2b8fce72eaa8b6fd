/** A real HTTP server on 127.0.0.1 for download tests: serves given paths, counts requests, can redirect. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalHttpServer {
  readonly url: string;
  /** Paths requested, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * `routes` maps a path to its body; a path under `redirectPrefix` answers 302 to the same path under
 * `/content`, as GitHub's `/raw/` URLs redirect to another host.
 */
export async function startLocalHttpServer(
  routes: ReadonlyMap<string, Buffer | string>,
  options: { readonly redirectPrefix?: string } = {},
): Promise<LocalHttpServer> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push(path);
    if (options.redirectPrefix && path.startsWith(options.redirectPrefix)) {
      response.writeHead(302, { location: `/content${path}` }).end();
      return;
    }
    const body = routes.get(path.replace(/^\/content/, ''));
    if (body === undefined) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
