import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { StatusCode } from './status.js';
import { connectUnixSocket, listenOnUnixSocket } from './unix-socket.js';

const dir = mkdtempSync(join(tmpdir(), 'ttrpc-socket-'));
const servers: Server[] = [];

function server(): Server {
  const created = createServer((socket) => socket.end());
  servers.push(created);
  return created;
}

function close(target: Server): Promise<void> {
  return new Promise((resolve) => {
    target.close(() => {
      resolve();
    });
  });
}

/** A listener killed by SIGKILL leaves its socket file behind: make one that way. */
async function leaveStaleSocket(path: string): Promise<void> {
  const script = `require('node:net').createServer().listen(${JSON.stringify(path)}, () => console.log('ready'))`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await once(child.stdout, 'data');
  child.kill('SIGKILL');
  await once(child, 'exit');
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map(close));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('listenOnUnixSocket', () => {
  it('creates the socket file with mode 0600, and its directory if missing', async () => {
    const path = join(dir, 'new', 'a.sock');
    await listenOnUnixSocket(server(), `unix://${path}`);
    const stats = statSync(path);
    expect(stats.isSocket()).toBe(true);
    expect(stats.mode & 0o777).toBe(0o600);
  });

  it('replaces a stale socket file nobody listens on', async () => {
    const path = join(dir, 'stale.sock');
    await leaveStaleSocket(path);
    expect(statSync(path).isSocket()).toBe(true);

    const fresh = server();
    await listenOnUnixSocket(fresh, path);
    const socket = await connectUnixSocket(path);
    socket.destroy();
  });

  it('rejects with EADDRINUSE while a server listens, and leaves that server alone', async () => {
    const path = join(dir, 'busy.sock');
    await listenOnUnixSocket(server(), path);
    await expect(listenOnUnixSocket(server(), path)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    const socket = await connectUnixSocket(path);
    socket.destroy();
  });

  it('does not remove a path that is not a socket', async () => {
    const path = join(dir, 'regular-file');
    writeFileSync(path, 'keep me');
    await expect(listenOnUnixSocket(server(), path)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(statSync(path).isFile()).toBe(true);
  });

  it('listens on an abstract socket', async () => {
    const name = `\0spinkube-ttrpc-test-${process.pid}`;
    await listenOnUnixSocket(server(), name);
    const socket = await connectUnixSocket(name);
    expect(socket.readyState).toBe('open');
    socket.destroy();
  });
});

describe('connectUnixSocket', () => {
  it('rejects with UNAVAILABLE, the system error as cause, when nothing listens', async () => {
    await expect(connectUnixSocket(join(dir, 'nobody.sock'))).rejects.toMatchObject({
      code: StatusCode.UNAVAILABLE,
      cause: { code: 'ENOENT' },
    });
  });
});
