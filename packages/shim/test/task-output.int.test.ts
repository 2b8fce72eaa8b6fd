/**
 * A task's output FIFO as containerd leaves it to the shim: readers come and go (ctr -d exits after the
 * start; CRI's reader is gone while containerd restarts), and output must survive that and still end with
 * an end of file when the task exits.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, createReadStream, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTaskOutput } from '../src/bundle/task-output.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fifo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'task-output-'));
  dirs.push(dir);
  const path = join(dir, 'stdout');
  execFileSync('mkfifo', [path]);
  return path;
}

/** Everything a reader of `path` gets until end of file. */
function readToEnd(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    createReadStream(path, 'utf8')
      .on('data', (chunk) => (text += String(chunk)))
      .on('end', () => {
        resolve(text);
      })
      .on('error', reject);
  });
}

describe('openTaskOutput on a FIFO', () => {
  it('keeps output written after its first reader left (ctr -d, a containerd restart) for the next reader, who then gets the end of file', async () => {
    const path = fifo();
    // A reader when the task starts, as `ctr run -d` or CRI have; it goes away before the app writes.
    const firstReader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const sink = await openTaskOutput(path);
    closeSync(firstReader);
    sink.write('written while no one reads');
    await sink.flushed();
    const read = readToEnd(path);
    sink.write('and after');
    await sink.flushed();
    await sink.close();
    const noEnd = new Promise<string>((resolve) =>
      setTimeout(() => {
        resolve('no end of file within 5 s');
      }, 5_000).unref(),
    );
    expect(await Promise.race([read, noEnd])).toBe('written while no one reads\nand after\n');
  });

  it('writes nowhere for an empty path, and closes at once', async () => {
    const sink = await openTaskOutput('');
    sink.write('dropped');
    await expect(sink.flushed()).resolves.toBeUndefined();
    await expect(sink.close()).resolves.toBeUndefined();
  });
});
