/**
 * The shim's own log, in the logfmt lines containerd's shims write (`time=… level=… msg=…`), which
 * containerd copies from each bundle's `log` FIFO into its own log. A line about one task goes to that
 * task's FIFO; a line about the server goes to every open one. The level is `error` unless `-debug`:
 * upstream's shim lost most of its throughput to info logging on the request path.
 */
import type { LineSink } from '../bundle/task-output.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export class ShimLog {
  private readonly sinks = new Map<string, LineSink>();

  constructor(
    private readonly level: LogLevel,
    /** Where server lines go while no task log is open (the server's stderr while `start` reads it). */
    private fallback: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  ) {}

  /** Replaces where server lines go while no task log is open. */
  setFallback(fallback: (line: string) => void): void {
    this.fallback = fallback;
  }

  enabled(level: LogLevel): boolean {
    return ORDER[level] >= ORDER[this.level];
  }

  /** Adds a task's log FIFO; lines for that task (and for the server) go there until it is removed. */
  attach(key: string, sink: LineSink): void {
    this.sinks
      .get(key)
      ?.close()
      .catch(() => undefined);
    this.sinks.set(key, sink);
  }

  async detach(key: string): Promise<void> {
    const sink = this.sinks.get(key);
    this.sinks.delete(key);
    await sink?.close();
  }

  log(level: LogLevel, message: string, fields: Readonly<Record<string, string>> = {}, task?: string): void {
    if (!this.enabled(level)) return;
    const line = format(level, message, fields);
    const sink = task === undefined ? undefined : this.sinks.get(task);
    if (sink) sink.write(line);
    else if (this.sinks.size > 0) for (const each of this.sinks.values()) each.write(line);
    else this.fallback(line);
  }

  async close(): Promise<void> {
    await Promise.all([...this.sinks.values()].map((sink) => sink.close()));
    this.sinks.clear();
  }
}

export function format(level: LogLevel, message: string, fields: Readonly<Record<string, string>>): string {
  const parts = [`time="${new Date().toISOString()}"`, `level=${level}`, `msg=${quote(message)}`];
  for (const [key, value] of Object.entries(fields)) parts.push(`${key}=${quote(value)}`);
  return parts.join(' ');
}

function quote(value: string): string {
  return /^[\w./:@-]+$/.test(value) ? value : JSON.stringify(value);
}
