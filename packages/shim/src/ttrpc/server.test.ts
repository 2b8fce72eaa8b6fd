import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { TtrpcClient } from './client.js';
import {
  FrameFlag,
  MAX_FRAME_DATA_LENGTH,
  MessageType,
  encodeFrame,
  encodeFrameHeader,
  type Frame,
} from './frame.js';
import { FrameReader } from './frame-reader.js';
import { requestCodec, responseCodec, type TtrpcRequest, type TtrpcResponse } from './messages.js';
import { NAMESPACE_METADATA_KEY } from './metadata.js';
import { TtrpcServer, type TtrpcCall, type TtrpcHandler } from './server.js';
import { StatusCode, TtrpcError } from './status.js';

const SERVICE = 'test.v1.Echo';
const dir = mkdtempSync(join(tmpdir(), 'ttrpc-server-'));
let socketCount = 0;
const servers: TtrpcServer[] = [];
const clients: TtrpcClient[] = [];
const peers: RawPeer[] = [];

const text = (value: string) => Buffer.from(value);
const echo: TtrpcHandler = (payload) => Promise.resolve(payload);

async function startServer(
  methods: Record<string, TtrpcHandler> = {},
): Promise<{ server: TtrpcServer; path: string }> {
  const server = new TtrpcServer();
  server.register(SERVICE, { Echo: echo, ...methods });
  const path = join(dir, `s${++socketCount}.sock`);
  await server.listen(path);
  servers.push(server);
  return { server, path };
}

async function connect(path: string): Promise<TtrpcClient> {
  const client = await TtrpcClient.connect(path);
  clients.push(client);
  return client;
}

/** A gate a handler waits on, so a test decides when a call finishes. */
function gate() {
  const entered = Promise.withResolvers<TtrpcCall>();
  const release = Promise.withResolvers<Uint8Array>();
  const handler: TtrpcHandler = (_payload, call) => {
    entered.resolve(call);
    return release.promise;
  };
  return { handler, entered: entered.promise, release: release.resolve };
}

/** A handler that ends only when its signal aborts, reporting the reason. */
function untilAborted() {
  const entered = Promise.withResolvers<undefined>();
  const aborted = Promise.withResolvers<unknown>();
  const handler: TtrpcHandler = (_payload, call) =>
    new Promise((_resolve, reject) => {
      entered.resolve(undefined);
      call.signal.addEventListener('abort', () => {
        aborted.resolve(call.signal.reason);
        reject(call.signal.reason as Error);
      });
    });
  return { handler, entered: entered.promise, aborted: aborted.promise };
}

/** A client speaking raw frames, for what TtrpcClient never sends. */
class RawPeer {
  readonly #socket: Socket;
  readonly #reader = new FrameReader();
  readonly #frames: Frame[] = [];
  #waiting: (() => void) | undefined;
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.#socket = socket;
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        resolve();
      });
    });
    socket.on('data', (chunk: Buffer) => {
      for (const event of this.#reader.push(chunk)) {
        if (event.kind === 'frame') this.#frames.push(event.frame);
      }
      this.#waiting?.();
    });
  }

  static async connect(path: string): Promise<RawPeer> {
    const socket = createConnection({ path });
    await new Promise((resolve) => socket.once('connect', resolve));
    const peer = new RawPeer(socket);
    peers.push(peer);
    return peer;
  }

  request(streamId: number, request: Partial<TtrpcRequest>, flags = 0): void {
    const data = requestCodec.encode({
      service: SERVICE,
      method: 'Echo',
      payload: new Uint8Array(),
      timeoutNano: 0,
      metadata: [],
      ...request,
    });
    this.send({ streamId, type: MessageType.Request, flags, data });
  }

  send(frame: Frame): void {
    this.#socket.write(encodeFrame(frame));
  }

  write(bytes: Uint8Array): void {
    this.#socket.write(bytes);
  }

  async response(): Promise<TtrpcResponse & { streamId: number }> {
    while (this.#frames.length === 0) {
      await new Promise<void>((resolve) => (this.#waiting = resolve));
    }
    const frame = this.#frames.shift()!;
    if (frame.type !== MessageType.Response)
      throw new Error(`expected a Response frame, got type ${frame.type}`);
    return { streamId: frame.streamId, ...responseCodec.decode(frame.data) };
  }

  destroy(): void {
    this.#socket.destroy();
  }
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const peer of peers.splice(0)) peer.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close({ signal: AbortSignal.abort() })));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('TtrpcServer', () => {
  it('answers a unary call with the handler result', async () => {
    const { path } = await startServer();
    const client = await connect(path);
    const answer = await client.call(SERVICE, 'Echo', text('ping'));
    expect(Buffer.from(answer).toString()).toBe('ping');
  });

  it('gives the handler service, method and metadata, namespace included', async () => {
    const seen = Promise.withResolvers<TtrpcCall>();
    const { path } = await startServer({
      Look: (_payload, call) => {
        seen.resolve(call);
        return Promise.resolve(new Uint8Array());
      },
    });
    const client = await connect(path);
    await client.call(SERVICE, 'Look', new Uint8Array(), {
      metadata: { [NAMESPACE_METADATA_KEY]: 'k8s.io', multi: ['a', 'b'] },
    });
    const call = await seen.promise;
    expect(call.service).toBe(SERVICE);
    expect(call.method).toBe('Look');
    expect(call.metadata.get(NAMESPACE_METADATA_KEY)).toEqual(['k8s.io']);
    expect(call.metadata.get('multi')).toEqual(['a', 'b']);
    expect(call.signal.aborted).toBe(false);
  });

  it('runs the calls of one connection concurrently and answers them as they finish', async () => {
    const slow = gate();
    const { path } = await startServer({ Slow: slow.handler });
    const peer = await RawPeer.connect(path);
    peer.request(1, { method: 'Slow' });
    await slow.entered;
    peer.request(3, { method: 'Echo', payload: text('fast') });
    expect((await peer.response()).streamId).toBe(3);
    slow.release(text('slow'));
    const late = await peer.response();
    expect(late.streamId).toBe(1);
    expect(Buffer.from(late.payload).toString()).toBe('slow');
  });

  it('answers with the status of a thrown TtrpcError, details included', async () => {
    const details = [{ typeUrl: 'test.Detail', value: new Uint8Array([1, 2]) }];
    const { path } = await startServer({
      Missing: () => Promise.reject(new TtrpcError(StatusCode.NOT_FOUND, 'task t1 not found', details)),
    });
    const client = await connect(path);
    const failure = client.call(SERVICE, 'Missing', new Uint8Array());
    await expect(failure).rejects.toBeInstanceOf(TtrpcError);
    await expect(failure).rejects.toMatchObject({ code: StatusCode.NOT_FOUND, message: 'task t1 not found' });
    const error = (await failure.catch((caught: unknown) => caught)) as TtrpcError;
    expect(error.details.map((detail) => [detail.typeUrl, [...detail.value]])).toEqual([
      ['test.Detail', [1, 2]],
    ]);
  });

  it('answers UNKNOWN with the message of any other throw, sync or async', async () => {
    const { path } = await startServer({
      Async: () => Promise.reject(new Error('boom')),
      Sync: () => {
        throw new RangeError('sync boom');
      },
    });
    const client = await connect(path);
    await expect(client.call(SERVICE, 'Async', new Uint8Array())).rejects.toMatchObject({
      code: 2,
      message: 'boom',
    });
    await expect(client.call(SERVICE, 'Sync', new Uint8Array())).rejects.toMatchObject({
      code: 2,
      message: 'sync boom',
    });
  });

  it('answers UNIMPLEMENTED for an unknown service or method, with Go ttrpc text', async () => {
    const { path } = await startServer();
    const client = await connect(path);
    await expect(client.call('nope.v1.Svc', 'Echo', new Uint8Array())).rejects.toMatchObject({
      code: StatusCode.UNIMPLEMENTED,
      message: 'service nope.v1.Svc',
    });
    await expect(client.call(SERVICE, 'Nope', new Uint8Array())).rejects.toMatchObject({
      code: StatusCode.UNIMPLEMENTED,
      message: 'method Nope',
    });
  });

  it('refuses a streaming request with UNIMPLEMENTED, drops its data and keeps serving', async () => {
    const { path } = await startServer();
    const peer = await RawPeer.connect(path);
    peer.request(1, {}, FrameFlag.RemoteOpen);
    peer.send({ streamId: 1, type: MessageType.Data, flags: FrameFlag.RemoteClosed, data: text('more') });
    peer.request(3, { payload: text('still here') });
    const refused = await peer.response();
    expect(refused).toMatchObject({ streamId: 1, status: { code: StatusCode.UNIMPLEMENTED } });
    expect(refused.status?.message).toMatch(/^method Echo: streaming/);
    const next = await peer.response();
    expect(next.streamId).toBe(3);
    expect(Buffer.from(next.payload).toString()).toBe('still here');
  });

  it('answers a request with only the remote-closed flag as unary, as Go ttrpc does', async () => {
    const { path } = await startServer();
    const peer = await RawPeer.connect(path);
    peer.request(1, { payload: text('x') }, FrameFlag.RemoteClosed);
    expect(await peer.response()).toMatchObject({ streamId: 1, status: { code: StatusCode.OK } });
  });

  it('answers RESOURCE_EXHAUSTED for a request frame over 4 MiB and reads on', async () => {
    const { path } = await startServer();
    const peer = await RawPeer.connect(path);
    const length = MAX_FRAME_DATA_LENGTH + 1;
    peer.write(encodeFrameHeader({ length, streamId: 1, type: MessageType.Request, flags: 0 }));
    peer.write(Buffer.alloc(length));
    peer.request(3, { payload: text('after') });
    expect(await peer.response()).toMatchObject({
      streamId: 1,
      status: {
        code: StatusCode.RESOURCE_EXHAUSTED,
        message: 'message length 4194305 exceed maximum message size of 4194304',
      },
    });
    expect(await peer.response()).toMatchObject({ streamId: 3, status: { code: StatusCode.OK } });
  });

  it('answers INVALID_ARGUMENT for a malformed request, an even stream id and a reused one', async () => {
    const { path } = await startServer();
    const peer = await RawPeer.connect(path);
    peer.send({ streamId: 1, type: MessageType.Request, flags: 0, data: Buffer.from('ff', 'hex') });
    peer.request(2, {});
    peer.request(1, {});
    peer.request(5, {});
    const malformed = await peer.response();
    expect(malformed).toMatchObject({ streamId: 1, status: { code: StatusCode.INVALID_ARGUMENT } });
    expect(malformed.status?.message).toMatch(/^unmarshal request error: /);
    expect(await peer.response()).toMatchObject({
      streamId: 2,
      status: {
        code: StatusCode.INVALID_ARGUMENT,
        message: 'StreamID must be odd for client initiated streams',
      },
    });
    expect(await peer.response()).toMatchObject({
      streamId: 1,
      status: { code: StatusCode.INVALID_ARGUMENT, message: 'StreamID cannot be re-used and must increment' },
    });
    expect(await peer.response()).toMatchObject({ streamId: 5, status: { code: StatusCode.OK } });
  });

  it('turns a response over 4 MiB into RESOURCE_EXHAUSTED', async () => {
    const { path } = await startServer({
      Huge: () => Promise.resolve(new Uint8Array(MAX_FRAME_DATA_LENGTH)),
    });
    const client = await connect(path);
    const failure = client.call(SERVICE, 'Huge', new Uint8Array());
    await expect(failure).rejects.toMatchObject({ code: StatusCode.RESOURCE_EXHAUSTED });
    await expect(failure).rejects.toThrow(/^message length \d+ exceed maximum message size of 4194304$/);
    await expect(client.call(SERVICE, 'Echo', text('ok'))).resolves.toEqual(text('ok'));
  });

  it('aborts the handler signal with CANCELLED when the caller disconnects mid-call', async () => {
    const pending = untilAborted();
    const { server, path } = await startServer({ Hang: pending.handler });
    const peer = await RawPeer.connect(path);
    peer.request(1, { method: 'Hang' });
    await pending.entered;
    peer.destroy();
    expect(await pending.aborted).toMatchObject({ code: StatusCode.CANCELLED });
    await vi.waitFor(() => {
      expect(server.connectionCount).toBe(0);
    });
  });

  it('aborts the handler signal with DEADLINE_EXCEEDED when the request timeout passes, and answers', async () => {
    const pending = untilAborted();
    const { path } = await startServer({ Hang: pending.handler });
    const peer = await RawPeer.connect(path);
    peer.request(1, { method: 'Hang', timeoutNano: 20_000_000 });
    expect(await pending.aborted).toMatchObject({ code: StatusCode.DEADLINE_EXCEEDED });
    expect(await peer.response()).toMatchObject({
      streamId: 1,
      status: { code: StatusCode.DEADLINE_EXCEEDED },
    });
  });

  it('counts its open connections', async () => {
    const { server, path } = await startServer();
    const first = await connect(path);
    await connect(path);
    await vi.waitFor(() => {
      expect(server.connectionCount).toBe(2);
    });
    first.close();
    await vi.waitFor(() => {
      expect(server.connectionCount).toBe(1);
    });
  });

  it('on close, finishes the calls in flight, refuses new ones and then closes the connection', async () => {
    const slow = gate();
    const { server, path } = await startServer({ Slow: slow.handler });
    const client = await connect(path);
    const inFlight = client.call(SERVICE, 'Slow', new Uint8Array());
    await slow.entered;

    const closing = server.close();
    await expect(client.call(SERVICE, 'Echo', text('late'))).rejects.toMatchObject({
      code: StatusCode.UNAVAILABLE,
      message: 'ttrpc: server closed',
    });
    await expect(TtrpcClient.connect(path)).rejects.toMatchObject({ code: StatusCode.UNAVAILABLE });

    slow.release(text('done'));
    await expect(inFlight).resolves.toEqual(text('done'));
    await closing;
    await client.closed;
    expect(server.connectionCount).toBe(0);
  });

  it('on close with an aborted signal, closes busy connections and cancels their calls', async () => {
    const pending = untilAborted();
    const { server, path } = await startServer({ Hang: pending.handler });
    const client = await connect(path);
    const call = client.call(SERVICE, 'Hang', new Uint8Array());
    await pending.entered;
    await server.close({ signal: AbortSignal.abort() });
    expect(await pending.aborted).toMatchObject({ code: StatusCode.CANCELLED });
    await expect(call).rejects.toMatchObject({ code: StatusCode.UNAVAILABLE });
  });

  it('serves the connections of a net.Server the caller listens with', async () => {
    const listener = createServer();
    const path = join(dir, `s${++socketCount}.sock`);
    await new Promise<void>((resolve) => listener.listen(path, resolve));
    const server = new TtrpcServer();
    servers.push(server);
    server.register(SERVICE, { Echo: echo });
    server.serve(listener);
    const client = await connect(path);
    await expect(client.call(SERVICE, 'Echo', text('fd'))).resolves.toEqual(text('fd'));
  });

  it('rejects listen with EADDRINUSE where another server listens', async () => {
    const { path } = await startServer();
    await expect(new TtrpcServer().listen(path)).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
