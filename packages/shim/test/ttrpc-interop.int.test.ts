/**
 * Our ttrpc against Go ttrpc: a private containerd (its ttrpc socket serves the events service) and ctr
 * (`ctr shim … state` is a Go ttrpc client of the task service). Both are started and stopped here, by PID.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timestampFromDate } from '../src/proto/google.js';
import { Messages, TaskStatus } from '../src/proto/shim-messages.js';
import { TtrpcClient } from '../src/ttrpc/client.js';
import { MAX_FRAME_DATA_LENGTH, MessageType, encodeFrame, encodeFrameHeader } from '../src/ttrpc/frame.js';
import { FrameReader } from '../src/ttrpc/frame-reader.js';
import { requestCodec, responseCodec } from '../src/ttrpc/messages.js';
import { NAMESPACE_METADATA_KEY } from '../src/ttrpc/metadata.js';
import { TtrpcServer } from '../src/ttrpc/server.js';
import { StatusCode, TtrpcError } from '../src/ttrpc/status.js';
import { CTR_BINARY, startContainerd, type Containerd } from './containerd/containerd-process.ts';
import { stopProcess } from './containerd/process-lifecycle.ts';

const run = promisify(execFile);
const EVENTS = 'containerd.services.events.ttrpc.v1.Events';
const TASK = 'containerd.task.v2.Task';
const forwardRequest = Messages.ForwardRequest;
const taskStart = Messages.TaskStart;
const stateRequest = Messages.StateRequest;
const stateResponse = Messages.StateResponse;

describe('ttrpc interop with containerd 1.x (Go ttrpc)', () => {
  let containerd: Containerd;
  let dir: string;
  let grpcAddress: string;
  let ttrpcAddress: string;
  let namespace: string;

  beforeAll(async () => {
    containerd = await startContainerd();
    ({ dir, address: grpcAddress, ttrpcAddress, namespace } = containerd);
  }, 60_000);

  afterAll(async () => {
    await containerd.stop();
  });

  it('our client forwards an event through containerd that a gRPC subscriber (ctr events) receives', async () => {
    const subscriber = spawn(CTR_BINARY, ['--address', grpcAddress, 'events'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let printed = '';
    subscriber.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const client = await TtrpcClient.connect(ttrpcAddress, { timeoutMs: 5000 });
    try {
      const payload = forwardRequest.encode({
        envelope: {
          timestamp: timestampFromDate(new Date()),
          namespace,
          topic: '/tasks/start',
          event: {
            typeUrl: 'containerd.events.TaskStart',
            value: taskStart.encode({ containerId: 'c1', pid: 7 }),
          },
        },
      });
      // The subscription has no ready signal: forward until the subscriber prints the event.
      const deadline = Date.now() + 15_000;
      while (!printed.includes('"container_id":"c1"') && Date.now() < deadline) {
        const answer = await client.call(EVENTS, 'Forward', payload, {
          metadata: { [NAMESPACE_METADATA_KEY]: namespace },
          timeoutMs: 5000,
        });
        expect(answer).toHaveLength(0); // google.protobuf.Empty
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(printed).toContain(`${namespace} /tasks/start {"container_id":"c1","pid":7}`);
    } finally {
      client.close();
      if (subscriber.pid !== undefined) await stopProcess(subscriber.pid);
    }
  });

  it('containerd answers unknown services and methods with the status our server answers', async () => {
    const ours = new TtrpcServer();
    ours.register(EVENTS, { Forward: () => Promise.resolve(new Uint8Array()) });
    const oursAddress = join(dir, 'ours.sock');
    await ours.listen(oursAddress);
    try {
      for (const [service, method] of [
        ['nope.v1.Service', 'Forward'],
        [EVENTS, 'Nope'],
      ] as const) {
        const [theirs, mine] = await Promise.all([
          failureOf(ttrpcAddress, service, method),
          failureOf(oursAddress, service, method),
        ]);
        expect(theirs).toMatchObject({ code: StatusCode.UNIMPLEMENTED });
        expect(mine).toEqual(theirs);
      }
    } finally {
      await ours.close();
    }
  });

  it('containerd answers an oversized frame, a malformed request and an even stream id as our server does', async () => {
    const ours = new TtrpcServer();
    ours.register(EVENTS, { Forward: () => Promise.resolve(new Uint8Array()) });
    const oursAddress = join(dir, 'faults.sock');
    await ours.listen(oursAddress);
    try {
      const [theirs, mine] = await Promise.all([protocolFaults(ttrpcAddress), protocolFaults(oursAddress)]);
      expect(theirs.map((answer) => answer.streamId)).toEqual([1, 3, 4, 5]);
      expect(theirs[0]).toMatchObject({ code: StatusCode.RESOURCE_EXHAUSTED });
      expect(mine).toEqual(theirs);
    } finally {
      await ours.close();
    }
  });

  it('ctr, a Go ttrpc client, reads our answers and error statuses', async () => {
    const server = new TtrpcServer();
    server.register(TASK, {
      State: (payload) => {
        const { id } = stateRequest.decode(payload);
        if (id === 'gone')
          return Promise.reject(new TtrpcError(StatusCode.NOT_FOUND, `container ${id} is gone`));
        return Promise.resolve(
          stateResponse.encode({
            id,
            bundle: '/b',
            pid: 42,
            status: TaskStatus.Running,
            exitedAt: { seconds: 1_700_000_000, nanos: 5 },
          }),
        );
      },
    });
    // ctr dials the abstract socket containerd 1.x shims listened on (seen with strace; note the final NUL).
    for (const id of ['c1', 'gone']) await server.listen(`\0/containerd-shim/${namespace}/${id}/shim.sock\0`);
    try {
      const ctr = (id: string) =>
        run(CTR_BINARY, [
          '--address',
          join(dir, 'unused.sock'),
          '-n',
          namespace,
          'shim',
          '--id',
          id,
          'state',
        ]);
      const { stdout } = await ctr('c1');
      expect(JSON.parse(stdout)).toEqual({
        id: 'c1',
        bundle: '/b',
        pid: 42,
        status: 2,
        exited_at: '2023-11-14T22:13:20.000000005Z',
      });
      await expect(ctr('gone')).rejects.toMatchObject({
        stderr: expect.stringContaining(
          'rpc error: code = NotFound desc = container gone is gone',
        ) as unknown,
      });
      const unknown = await run(CTR_BINARY, [
        '--address',
        join(dir, 'unused.sock'),
        '-n',
        namespace,
        'shim',
        '--id',
        'c1',
        'start',
      ]).catch((error: unknown) => error);
      expect(unknown).toMatchObject({
        stderr: expect.stringContaining('code = Unimplemented desc = method Start') as unknown,
      });
    } finally {
      await server.close();
    }
  });
});

async function failureOf(address: string, service: string, method: string) {
  const client = await TtrpcClient.connect(address);
  try {
    await client.call(service, method, new Uint8Array());
    return undefined;
  } catch (error) {
    return error instanceof TtrpcError ? { code: error.code, message: error.message } : error;
  } finally {
    client.close();
  }
}

/** Sends faulty frames then a good one, and returns the answers sorted by stream id. */
async function protocolFaults(address: string) {
  const socket = createConnection({ path: address });
  await once(socket, 'connect');
  const answers = collect(socket, 4);
  const request = (method: string) =>
    requestCodec.encode({ service: EVENTS, method, payload: new Uint8Array(), timeoutNano: 0, metadata: [] });
  const length = MAX_FRAME_DATA_LENGTH + 1;
  socket.write(encodeFrameHeader({ length, streamId: 1, type: MessageType.Request, flags: 0 }));
  socket.write(Buffer.alloc(length));
  socket.write(
    encodeFrame({ streamId: 3, type: MessageType.Request, flags: 0, data: Buffer.from('ff', 'hex') }),
  );
  socket.write(encodeFrame({ streamId: 4, type: MessageType.Request, flags: 0, data: request('Nope') }));
  socket.write(encodeFrame({ streamId: 5, type: MessageType.Request, flags: 0, data: request('Nope') }));
  try {
    return (await answers).sort((a, b) => a.streamId - b.streamId);
  } finally {
    socket.destroy();
  }
}

function collect(socket: Socket, count: number) {
  const reader = new FrameReader();
  const answers: { streamId: number; code: number | undefined; message: string | undefined }[] = [];
  return new Promise<typeof answers>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      for (const event of reader.push(chunk)) {
        if (event.kind !== 'frame') continue;
        const { status } = responseCodec.decode(event.frame.data);
        // The decoder's own words differ (Go: "unexpected EOF"); the status and its prefix must not.
        const message = status?.message.replace(/^(unmarshal request error): .*/, '$1: …');
        answers.push({ streamId: event.frame.streamId, code: status?.code, message });
      }
      if (answers.length >= count) resolve(answers);
    });
  });
}
