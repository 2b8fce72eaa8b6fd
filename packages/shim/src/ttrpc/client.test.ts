import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TtrpcClient } from './client.js';
import { MAX_FRAME_DATA_LENGTH, MessageType, encodeFrame, encodeFrameHeader } from './frame.js';
import { FrameReader } from './frame-reader.js';
import { requestCodec, responseCodec, type TtrpcRequest } from './messages.js';
import { StatusCode } from './status.js';

const dir = mkdtempSync(join(tmpdir(), 'ttrpc-client-'));
let socketCount = 0;
const listeners: Server[] = [];
const clients: TtrpcClient[] = [];

interface Received extends TtrpcRequest {
  streamId: number;
  socket: Socket;
}

const OK = { code: StatusCode.OK, message: '', details: [] };

function answer(received: Received, payload: string): void {
  const data = responseCodec.encode({ status: OK, payload: Buffer.from(payload) });
  received.socket.write(
    encodeFrame({ streamId: received.streamId, type: MessageType.Response, flags: 0, data }),
  );
}

/** A server speaking raw frames: it hands every request to `onRequest`, which answers (or not) itself. */
async function rawServer(onRequest: (request: Received) => void): Promise<string> {
  const path = join(dir, `c${++socketCount}.sock`);
  const listener = createServer((socket) => {
    const reader = new FrameReader();
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      for (const event of reader.push(chunk)) {
        if (event.kind !== 'frame') continue;
        onRequest({ ...requestCodec.decode(event.frame.data), streamId: event.frame.streamId, socket });
      }
    });
  });
  listeners.push(listener);
  await new Promise<void>((resolve) => listener.listen(path, resolve));
  return path;
}

async function connect(path: string): Promise<TtrpcClient> {
  const client = await TtrpcClient.connect(path);
  clients.push(client);
  return client;
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString();

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await Promise.all(
    listeners.splice(0).map(
      (listener) =>
        new Promise((resolve) => {
          listener.close(resolve);
        }),
    ),
  );
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('TtrpcClient', () => {
  it('sends each call on the next odd stream id, unary, with its metadata', async () => {
    const seen: Received[] = [];
    const path = await rawServer((request) => {
      seen.push(request);
      answer(request, request.method);
    });
    const client = await connect(path);
    const results = await Promise.all(
      ['A', 'B', 'C'].map((method) =>
        client.call('svc', method, new Uint8Array(), { metadata: { ns: 'k8s.io' } }),
      ),
    );
    expect(results.map(text)).toEqual(['A', 'B', 'C']);
    expect(seen.map((request) => request.streamId)).toEqual([1, 3, 5]);
    expect(seen[0]).toMatchObject({
      service: 'svc',
      timeoutNano: 0,
      metadata: [{ key: 'ns', value: 'k8s.io' }],
    });
  });

  it('matches responses that arrive in another order to their calls', async () => {
    const held: Received[] = [];
    const path = await rawServer((request) => {
      held.push(request);
      if (held.length === 3) for (const waiting of held.reverse()) answer(waiting, waiting.method);
    });
    const client = await connect(path);
    const results = await Promise.all(
      ['first', 'second', 'third'].map((m) => client.call('svc', m, new Uint8Array())),
    );
    expect(results.map(text)).toEqual(['first', 'second', 'third']);
  });

  it('rejects with the status the server answers', async () => {
    const path = await rawServer((request) => {
      const data = responseCodec.encode({
        status: { code: StatusCode.FAILED_PRECONDITION, message: 'not running', details: [] },
        payload: new Uint8Array(),
      });
      request.socket.write(
        encodeFrame({ streamId: request.streamId, type: MessageType.Response, flags: 0, data }),
      );
    });
    const client = await connect(path);
    await expect(client.call('svc', 'Kill', new Uint8Array())).rejects.toMatchObject({
      name: 'TtrpcError',
      code: StatusCode.FAILED_PRECONDITION,
      message: 'not running',
    });
  });

  it('sends its timeout as timeout_nano and rejects with DEADLINE_EXCEEDED, ignoring a late answer', async () => {
    const seen: Received[] = [];
    const path = await rawServer((request) => {
      seen.push(request);
      if (request.method === 'Quick') answer(request, 'quick');
    });
    const client = await connect(path);
    await expect(client.call('svc', 'Slow', new Uint8Array(), { timeoutMs: 25 })).rejects.toMatchObject({
      code: StatusCode.DEADLINE_EXCEEDED,
    });
    expect(seen[0]?.timeoutNano).toBe(25_000_000);
    answer(seen[0]!, 'too late');
    await expect(client.call('svc', 'Quick', new Uint8Array())).resolves.toEqual(Buffer.from('quick'));
  });

  it('rejects every waiting call with UNAVAILABLE when the connection drops, and after', async () => {
    let count = 0;
    const path = await rawServer((request) => {
      if (++count === 2) request.socket.destroy();
    });
    const client = await connect(path);
    const calls = [client.call('svc', 'A', new Uint8Array()), client.call('svc', 'B', new Uint8Array())];
    for (const call of calls) await expect(call).rejects.toMatchObject({ code: StatusCode.UNAVAILABLE });
    await client.closed;
    await expect(client.call('svc', 'C', new Uint8Array())).rejects.toMatchObject({
      code: StatusCode.UNAVAILABLE,
    });
  });

  it('on close(), rejects waiting calls with UNAVAILABLE and settles closed', async () => {
    const path = await rawServer(() => undefined);
    const client = await connect(path);
    const call = client.call('svc', 'Wait', new Uint8Array());
    client.close();
    await expect(call).rejects.toMatchObject({ code: StatusCode.UNAVAILABLE, message: 'ttrpc: closed' });
    await expect(client.closed).resolves.toBeUndefined();
  });

  it('rejects a request over 4 MiB with RESOURCE_EXHAUSTED without sending it', async () => {
    const seen: Received[] = [];
    const path = await rawServer((request) => {
      seen.push(request);
      answer(request, 'ok');
    });
    const client = await connect(path);
    await expect(client.call('svc', 'Big', new Uint8Array(MAX_FRAME_DATA_LENGTH))).rejects.toMatchObject({
      code: StatusCode.RESOURCE_EXHAUSTED,
    });
    await client.call('svc', 'Small', new Uint8Array());
    expect(seen.map((request) => [request.method, request.streamId])).toEqual([['Small', 1]]);
  });

  it('rejects with RESOURCE_EXHAUSTED when the answer frame is over 4 MiB, and reads on', async () => {
    const path = await rawServer((request) => {
      if (request.method === 'Huge') {
        const length = MAX_FRAME_DATA_LENGTH + 1;
        request.socket.write(
          encodeFrameHeader({ length, streamId: request.streamId, type: MessageType.Response, flags: 0 }),
        );
        request.socket.write(Buffer.alloc(length));
      } else {
        answer(request, 'fine');
      }
    });
    const client = await connect(path);
    await expect(client.call('svc', 'Huge', new Uint8Array())).rejects.toMatchObject({
      code: StatusCode.RESOURCE_EXHAUSTED,
    });
    await expect(client.call('svc', 'Next', new Uint8Array())).resolves.toEqual(Buffer.from('fine'));
  });

  it('rejects only the call whose answer is malformed', async () => {
    const path = await rawServer((request) => {
      if (request.method === 'Bad') {
        request.socket.write(
          encodeFrame({
            streamId: request.streamId,
            type: MessageType.Response,
            flags: 0,
            data: Buffer.from('ff', 'hex'),
          }),
        );
      } else {
        answer(request, 'good');
      }
    });
    const client = await connect(path);
    await expect(client.call('svc', 'Bad', new Uint8Array())).rejects.toMatchObject({
      code: StatusCode.INTERNAL,
    });
    await expect(client.call('svc', 'Good', new Uint8Array())).resolves.toEqual(Buffer.from('good'));
  });

  it('rejects with CANCELLED when the call signal aborts', async () => {
    const path = await rawServer(() => undefined);
    const client = await connect(path);
    const controller = new AbortController();
    const call = client.call('svc', 'Wait', new Uint8Array(), { signal: controller.signal });
    controller.abort(new Error('not needed'));
    await expect(call).rejects.toMatchObject({ code: StatusCode.CANCELLED });
    await expect(
      client.call('svc', 'Wait', new Uint8Array(), { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: StatusCode.CANCELLED });
  });

  it('fails to connect with UNAVAILABLE when nothing listens', async () => {
    await expect(TtrpcClient.connect(join(dir, 'nobody.sock'), { timeoutMs: 1000 })).rejects.toMatchObject({
      code: StatusCode.UNAVAILABLE,
    });
  });
});
