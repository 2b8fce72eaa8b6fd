/**
 * Where a task's stdout and stderr go: the FIFOs (or files) containerd names in Create. A FIFO is opened
 * non-blocking and written through a libuv pipe, so a slow or vanished reader never blocks the shim; when
 * nobody reads, lines past a bound are dropped rather than held in memory.
 */
import { constants, createWriteStream, openSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { ShimError } from '../errors.js';

/** Bytes queued for a reader that does not keep up before further lines are dropped. */
const MAX_QUEUED = 1 << 20;

export interface LineSink {
  write(line: string): void;
  /** Settles once what was written so far has left (or could not be written). */
  flushed(): Promise<void>;
  close(): Promise<void>;
}

export async function openTaskOutput(target: string): Promise<LineSink> {
  if (target === '') {
    return { write: () => undefined, flushed: () => Promise.resolve(), close: () => Promise.resolve() };
  }
  if (target.startsWith('binary://')) {
    throw new ShimError(
      'Unimplemented',
      `log URI ${target}: binary:// loggers are not supported by this shim`,
    );
  }
  if (target.startsWith('file://')) {
    const path = decodeURIComponent(new URL(target).pathname);
    return sink(createWriteStream(path, { flags: 'a' }));
  }
  // stat, not open: opening a FIFO to look at it would block until a writer came.
  const isFifo = (await stat(target).catch(() => undefined))?.isFIFO() ?? false;
  if (!isFifo) return sink(createWriteStream(target, { flags: 'a' }));
  // Read-write, as containerd's own shims keep a reader open beside their writer: the FIFO then never has
  // zero readers, so a write while its reader is away (ctr -d gone, containerd restarting) neither fails
  // with EPIPE nor closes the descriptor, and a reader that comes (back) later gets the output and, when
  // the task exits, its end of file.
  const fd = openSync(target, constants.O_RDWR | constants.O_NONBLOCK);
  return sink(new Socket({ fd, readable: false, writable: true }));
}

function sink(stream: Writable): LineSink {
  let broken = false;
  let closing: Promise<void> | undefined;
  stream.on('error', () => {
    broken = true;
  });
  return {
    write: (line) => {
      if (broken || stream.writableLength > MAX_QUEUED) return;
      stream.write(line.endsWith('\n') ? line : `${line}\n`);
    },
    flushed: () =>
      new Promise((resolve) => {
        if (broken || stream.destroyed || stream.writableLength === 0) {
          resolve();
          return;
        }
        // Bounded: a reader that never drains the FIFO must not hold the task's exit forever.
        const timer = setTimeout(resolve, 1000);
        stream.write('', () => {
          clearTimeout(timer);
          resolve();
        });
      }),
    // Once: the exit and Delete both close a task's outputs.
    close: () =>
      (closing ??= new Promise((resolve) => {
        if (broken || stream.destroyed) {
          resolve();
          return;
        }
        const timer = setTimeout(() => {
          stream.destroy();
          resolve();
        }, 1000);
        stream.end(() => {
          clearTimeout(timer);
          resolve();
        });
      })),
  };
}
