import { describe, expect, it } from 'vitest';
import { MAX_FRAME_DATA_LENGTH, MessageType, encodeFrame, encodeFrameHeader } from './frame.js';
import { FrameReader, type FrameEvent } from './frame-reader.js';

const frame = (streamId: number, text: string, type: number = MessageType.Request) =>
  encodeFrame({ streamId, type, flags: 0, data: Buffer.from(text) });

function summary(events: FrameEvent[]) {
  return events.map((event) =>
    event.kind === 'frame'
      ? { id: event.frame.streamId, type: event.frame.type, data: Buffer.from(event.frame.data).toString() }
      : { oversize: event.header.length, id: event.header.streamId },
  );
}

function chunks(bytes: Buffer, size: number): Buffer[] {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += size)
    parts.push(bytes.subarray(offset, offset + size));
  return parts;
}

describe('FrameReader', () => {
  it('reads a header split across chunks', () => {
    const reader = new FrameReader();
    const bytes = frame(1, 'hello');
    expect(reader.push(bytes.subarray(0, 3))).toEqual([]);
    expect(reader.push(bytes.subarray(3, 9))).toEqual([]);
    expect(reader.idle).toBe(false);
    expect(summary(reader.push(bytes.subarray(9)))).toEqual([{ id: 1, type: 1, data: 'hello' }]);
    expect(reader.idle).toBe(true);
  });

  it('reads several frames, empty ones included, from one chunk', () => {
    const reader = new FrameReader();
    const bytes = Buffer.concat([frame(1, 'a'), frame(3, ''), frame(5, 'ccc', MessageType.Data)]);
    expect(summary(reader.push(bytes))).toEqual([
      { id: 1, type: 1, data: 'a' },
      { id: 3, type: 1, data: '' },
      { id: 5, type: 3, data: 'ccc' },
    ]);
  });

  it('reads the same frames byte by byte and with chunk edges inside the data', () => {
    const bytes = Buffer.concat([frame(1, 'first'), frame(3, 'second'), frame(5, 'third')]);
    for (const size of [1, 4, 7, 13]) {
      const reader = new FrameReader();
      const events = chunks(bytes, size).flatMap((chunk) => reader.push(chunk));
      expect(summary(events).map((event) => ('data' in event ? event.data : ''))).toEqual([
        'first',
        'second',
        'third',
      ]);
    }
  });

  it('reads a frame of exactly 4 MiB arriving in 64 KiB chunks', () => {
    const data = Buffer.alloc(MAX_FRAME_DATA_LENGTH, 7);
    const reader = new FrameReader();
    const bytes = encodeFrame({ streamId: 9, type: MessageType.Response, flags: 0, data });
    const events = chunks(bytes, 64 * 1024).flatMap((chunk) => reader.push(chunk));
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event?.kind === 'frame' && Buffer.from(event.frame.data).equals(data)).toBe(true);
  });

  it('reports a frame over 4 MiB as oversize, skips its data and reads the next frame', () => {
    const reader = new FrameReader();
    const length = MAX_FRAME_DATA_LENGTH + 1;
    const header = encodeFrameHeader({ length, streamId: 7, type: MessageType.Request, flags: 0 });
    expect(summary(reader.push(header))).toEqual([{ oversize: length, id: 7 }]);
    const body = Buffer.alloc(length);
    const events = chunks(Buffer.concat([body, frame(9, 'after')]), 1 << 20).flatMap((chunk) =>
      reader.push(chunk),
    );
    expect(summary(events)).toEqual([{ id: 9, type: 1, data: 'after' }]);
  });
});
