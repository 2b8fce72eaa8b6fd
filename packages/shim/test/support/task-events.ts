/** containerd's event stream as `ctr events` prints it, recorded for assertions about task events. */
import { spawn, type ChildProcess } from 'node:child_process';
import { CTR_BINARY, type Containerd } from '../containerd/containerd-process.ts';

export interface RecordedEvent {
  readonly namespace: string;
  readonly topic: string;
  readonly event: Record<string, unknown>;
}

export class TaskEvents {
  readonly events: RecordedEvent[] = [];
  private child: ChildProcess;
  private buffered = '';
  private stopped = false;

  private constructor(private readonly containerd: Containerd) {
    this.child = this.subscribe();
  }

  /** `ctr events` ends when containerd restarts; a new subscription follows (events in between are lost). */
  private subscribe(): ChildProcess {
    const child = spawn(CTR_BINARY, ['--address', this.containerd.address, 'events'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      this.buffered += chunk;
      const lines = this.buffered.split('\n');
      this.buffered = lines.pop() ?? '';
      for (const line of lines) this.parse(line);
    });
    child.on('exit', () => {
      if (this.stopped) return;
      setTimeout(() => {
        if (!this.stopped) this.child = this.subscribe();
      }, 200);
    });
    return child;
  }

  /** Starts recording; the subscription is live once containerd has answered a call after it. */
  static async record(containerd: Containerd): Promise<TaskEvents> {
    const recorder = new TaskEvents(containerd);
    await new Promise((resolve) => setTimeout(resolve, 300));
    return recorder;
  }

  /** The task topics for one container, in the order containerd delivered them. */
  topicsFor(containerId: string): string[] {
    return this.forContainer(containerId).map((event) => event.topic);
  }

  forContainer(containerId: string): RecordedEvent[] {
    return this.events.filter(
      (event) => event.topic.startsWith('/tasks/') && event.event['container_id'] === containerId,
    );
  }

  async waitFor(containerId: string, topic: string, timeoutMs = 30_000): Promise<RecordedEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.forContainer(containerId).find((event) => event.topic === topic);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `no ${topic} event for ${containerId} within ${String(timeoutMs)} ms; got ${this.topicsFor(containerId).join(', ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  stop(): void {
    this.stopped = true;
    this.child.kill('SIGTERM');
  }

  private parse(line: string): void {
    // `2026-11-30 03:35:31.249 +0000 UTC <namespace> <topic> {json}`
    const match = /^\S+ \S+ \S+ \S+ (\S+) (\S+) (.*)$/.exec(line);
    if (!match) return;
    let event: Record<string, unknown> = {};
    try {
      event = JSON.parse(match[3] ?? '{}') as Record<string, unknown>;
    } catch {
      // Not every topic prints JSON.
    }
    this.events.push({ namespace: match[1] ?? '', topic: match[2] ?? '', event });
  }
}
