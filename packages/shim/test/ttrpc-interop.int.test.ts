/**
 * Our ttrpc against Go ttrpc: a private containerd (its ttrpc socket serves the events service) and ctr
 * (`ctr shim … state` is a Go ttrpc client of the task service). Both are started and stopped here, by PID.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MessageCodec,
  protoRoot,
  timestampFromDate,
  type AnyMessage,
  type TimestampMessage,
} from '../src/proto/google.js';
import { TtrpcClient } from '../src/ttrpc/client.js';
import { MAX_FRAME_DATA_LENGTH, MessageType, encodeFrame, encodeFrameHeader } from '../src/ttrpc/frame.js';
import { FrameReader } from '../src/ttrpc/frame-reader.js';
import { requestCodec, responseCodec } from '../src/ttrpc/messages.js';
import { NAMESPACE_METADATA_KEY } from '../src/ttrpc/metadata.js';
import { TtrpcServer } from '../src/ttrpc/server.js';
import { StatusCode, TtrpcError } from '../src/ttrpc/status.js';

const run = promisify(execFile);
const EVENTS = 'containerd.services.events.ttrpc.v1.Events';
const TASK = 'containerd.task.v2.Task';

// The few containerd messages this test exchanges, by field number (shim.proto, events).
protoRoot.addJSON({
  ttrpcInteropTest: {
    nested: {
      TaskStart: { fields: { containerId: { type: 'string', id: 1 }, pid: { type: 'uint32', id: 2 } } },
      Envelope: {
        fields: {
          timestamp: { type: '.google.protobuf.Timestamp', id: 1 },
          namespace: { type: 'string', id: 2 },
          topic: { type: 'string', id: 3 },
          event: { type: '.google.protobuf.Any', id: 4 },
        },
      },
      ForwardRequest: { fields: { envelope: { type: '.ttrpcInteropTest.Envelope', id: 1 } } },
      StateRequest: { fields: { id: { type: 'string', id: 1 }, execId: { type: 'string', id: 2 } } },
      StateResponse: {
        fields: {
          id: { type: 'string', id: 1 },
          bundle: { type: 'string', id: 2 },
          pid: { type: 'uint32', id: 3 },
          status: { type: 'int32', id: 4 },
          exitedAt: { type: '.google.protobuf.Timestamp', id: 10 },
        },
      },
    },
  },
});
const taskStart = new MessageCodec<{ containerId: string; pid: number }>('ttrpcInteropTest.TaskStart');
const forwardRequest = new MessageCodec<{
  envelope: { timestamp: TimestampMessage; namespace: string; topic: string; event: AnyMessage };
}>('ttrpcInteropTest.ForwardRequest');
const stateRequest = new MessageCodec<{ id: string; execId: string }>('ttrpcInteropTest.StateRequest');
const stateResponse = new MessageCodec<{
  id: string;
  bundle: string;
  pid: number;
  status: number;
  exitedAt: TimestampMessage;
}>('ttrpcInteropTest.StateResponse');

const available = process.getuid?.() === 0 && (await onPath('containerd')) && (await onPath('ctr'));

async function onPath(binary: string): Promise<boolean> {
  return run('sh', ['-c', `command -v ${binary}`]).then(
    () => true,
    () => false,
  );
}

describe.skipIf(!available)('ttrpc interop with containerd 1.x (Go ttrpc)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ttrpc-interop-'));
  const grpcAddress = join(dir, 'c.sock');
  const ttrpcAddress = `${grpcAddress}.ttrpc`;
  const namespace = `ttrpc-interop-${process.pid}`;
  let containerd: ChildProcess | undefined;

  beforeAll(async () => {
    writeFileSync(
      join(dir, 'config.toml'),
      [
        'version = 2',
        `root = "${dir}/root"`,
        `state = "${dir}/state"`,
        'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
        `[grpc]\n  address = "${grpcAddress}"`,
        `[ttrpc]\n  address = "${ttrpcAddress}"`,
        `[plugins."io.containerd.internal.v1.opt"]\n  path = "${dir}/opt"`,
      ].join('\n'),
    );
    const log = openSync(join(dir, 'containerd.log'), 'w');
    containerd = spawn('containerd', ['--config', join(dir, 'config.toml')], { stdio: ['ignore', log, log] });
    await waitForSocket(ttrpcAddress, 20_000);
  }, 30_000);

  afterAll(async () => {
    await stop(containerd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('our client forwards an event through containerd that a gRPC subscriber (ctr events) receives', async () => {
    const subscriber = spawn('ctr', ['--address', grpcAddress, 'events'], {
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
      await stop(subscriber);
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
            status: 2,
            exitedAt: { seconds: 1_700_000_000, nanos: 5 },
          }),
        );
      },
    });
    // ctr dials the abstract socket containerd 1.x shims listened on (seen with strace; note the final NUL).
    for (const id of ['c1', 'gone']) await server.listen(`\0/containerd-shim/${namespace}/${id}/shim.sock\0`);
    try {
      const ctr = (id: string) =>
        run('ctr', ['--address', join(dir, 'unused.sock'), '-n', namespace, 'shim', '--id', id, 'state']);
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
      const unknown = await run('ctr', [
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

async function waitForSocket(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      (await TtrpcClient.connect(path, { timeoutMs: 1000 })).close();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  }, 10_000);
  await exited;
  clearTimeout(timer);
}
