import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Messages } from '../proto/shim-messages.js';
import { NAMESPACE_METADATA_KEY } from '../ttrpc/metadata.js';
import { TtrpcServer } from '../ttrpc/server.js';
import { EventPublisher } from './event-publisher.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** containerd's side of Events.Forward, on a real unix socket: what arrived, in order. */
function eventsService(received: { topic: string; namespace: string; metadata: string; typeUrl: string }[]) {
  const server = new TtrpcServer();
  server.register('containerd.services.events.ttrpc.v1.Events', {
    Forward: (payload, call) => {
      const { envelope } = Messages.ForwardRequest.decode(payload);
      received.push({
        topic: envelope?.topic ?? '',
        namespace: envelope?.namespace ?? '',
        metadata: call.metadata.get(NAMESPACE_METADATA_KEY)?.[0] ?? '',
        typeUrl: envelope?.event?.typeUrl ?? '',
      });
      return Promise.resolve(new Uint8Array());
    },
  });
  return server;
}

describe('EventPublisher', () => {
  it('delivers events in the order they were raised, holding them while containerd is away', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'events-'));
    dirs.push(dir);
    const address = join(dir, 'containerd.sock.ttrpc');
    const received: { topic: string; namespace: string; metadata: string; typeUrl: string }[] = [];
    const publisher = new EventPublisher(address, () => undefined);
    publisher.publish('k8s.io', '/tasks/create', Messages.TaskCreate, { containerId: 'a' });
    publisher.publish('k8s.io', '/tasks/start', Messages.TaskStart, { containerId: 'a', pid: 1 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const server = eventsService(received);
    await server.listen(address);
    publisher.publish('k8s.io', '/tasks/exit', Messages.TaskExit, { containerId: 'a', exitStatus: 0 });
    await publisher.flushed();
    expect(received.map((event) => event.topic)).toEqual(['/tasks/create', '/tasks/start', '/tasks/exit']);
    expect(received[2]).toEqual({
      topic: '/tasks/exit',
      namespace: 'k8s.io',
      metadata: 'k8s.io',
      typeUrl: 'containerd.events.TaskExit',
    });

    // containerd restarts: the connection drops, a later event goes over a new one.
    await server.close();
    const restarted = eventsService(received);
    await restarted.listen(address);
    publisher.publish('k8s.io', '/tasks/delete', Messages.TaskDelete, { containerId: 'a' });
    await publisher.flushed();
    expect(received.map((event) => event.topic).at(-1)).toBe('/tasks/delete');
    await publisher.close();
    await restarted.close();
  });
});
