/**
 * Publishes task events to containerd (`Events.Forward` on its ttrpc socket) one at a time, in the order
 * they were raised: containerd needs create < start < exit < delete. While containerd is away (restarting)
 * events wait in the queue and are retried with back-off, so none is lost or reordered; only a queue that
 * grows past a bound drops its oldest entries, with a log line.
 */
import { TtrpcClient } from '../ttrpc/client.js';
import { timestampFromDate } from '../proto/google.js';
import { Messages, packAny, type Codec } from '../proto/shim-messages.js';

const SERVICE = 'containerd.services.events.ttrpc.v1.Events';
const MAX_QUEUED = 10_000;
const RETRY_MS = [50, 100, 200, 500, 1000, 2000];

export interface PublishedEvent {
  readonly topic: string;
  readonly namespace: string;
  readonly typeUrl: string;
  readonly payload: Uint8Array;
  readonly at: Date;
}

export class EventPublisher {
  private readonly queue: PublishedEvent[] = [];
  private client: TtrpcClient | undefined;
  private draining = false;
  private closed = false;
  private idle: (() => void)[] = [];

  constructor(
    private readonly ttrpcAddress: string,
    private readonly log: (level: 'debug' | 'warn' | 'error', message: string) => void,
  ) {}

  publish<T extends object>(namespace: string, topic: string, codec: Codec<T>, event: Partial<T>): void {
    if (this.closed) return;
    const packed = packAny(codec, event);
    this.queue.push({ topic, namespace, typeUrl: packed.typeUrl, payload: packed.value, at: new Date() });
    if (this.queue.length > MAX_QUEUED) {
      const dropped = this.queue.shift();
      this.log('error', `event queue full; dropped ${dropped?.topic ?? ''} for ${dropped?.namespace ?? ''}`);
    }
    void this.drain();
  }

  /** Resolves once every queued event is delivered (or the publisher is closed). */
  flushed(): Promise<void> {
    if (this.queue.length === 0 && !this.draining) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Tries to deliver what is queued for up to `graceMs`, then stops. */
  async close(graceMs = 2000): Promise<void> {
    await Promise.race([this.flushed(), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    this.closed = true;
    this.client?.close();
    this.client = undefined;
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    let failures = 0;
    while (this.queue.length > 0 && !this.closed) {
      const event = this.queue[0];
      if (!event) break;
      try {
        await this.forward(event);
        this.queue.shift();
        failures = 0;
      } catch (error) {
        this.client?.close();
        this.client = undefined;
        const delay = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)] ?? 2000;
        if (failures === 0 || failures % 20 === 0) {
          this.log(
            'warn',
            `publishing ${event.topic} to ${this.ttrpcAddress} failed (${String(error)}); retrying`,
          );
        }
        failures++;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    this.draining = false;
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private async forward(event: PublishedEvent): Promise<void> {
    this.client ??= await TtrpcClient.connect(this.ttrpcAddress, { timeoutMs: 5000 });
    const request = Messages.ForwardRequest.encode({
      envelope: {
        timestamp: timestampFromDate(event.at),
        namespace: event.namespace,
        topic: event.topic,
        event: { typeUrl: event.typeUrl, value: event.payload },
      },
    });
    await this.client.call(SERVICE, 'Forward', request, {
      metadata: { 'containerd-namespace-ttrpc': event.namespace },
      timeoutMs: 5000,
    });
    this.log('debug', `published ${event.topic}`);
  }
}
