import { describe, expect, it } from 'vitest';
import {
  MessageCodec,
  dateFromTimestamp,
  protoRoot,
  statusCodec,
  timestampCodec,
  timestampFromDate,
  type TimestampMessage,
} from './google.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('google messages in the shared root', () => {
  it('encodes Timestamp and Status with the field numbers of the wire contract', () => {
    expect(hex(timestampCodec.encode({ seconds: 1, nanos: 2 }))).toBe('08011002');
    const status = statusCodec.encode({
      code: 5,
      message: 'x',
      details: [{ typeUrl: 'a', value: new Uint8Array([1]) }],
    });
    // code=1 varint, message=2 string, details=3 Any{type_url=1, value=2}
    expect(hex(status)).toBe('08051201781a060a0161120101');
  });

  it('decodes absent fields to their proto3 defaults and 64-bit integers to numbers', () => {
    expect(statusCodec.decode(new Uint8Array())).toEqual({ code: 0, message: '', details: [] });
    const seconds = 2 ** 40;
    expect(timestampCodec.decode(timestampCodec.encode({ seconds, nanos: 7 }))).toEqual({
      seconds,
      nanos: 7,
    });
  });

  it('lets another namespace of the same root name Any and Timestamp by full name', () => {
    protoRoot.addJSON({
      googleTestOnly: {
        nested: {
          Event: {
            fields: {
              at: { type: '.google.protobuf.Timestamp', id: 1 },
              body: { type: '.google.protobuf.Any', id: 2 },
            },
          },
        },
      },
    });
    const codec = new MessageCodec<{ at: TimestampMessage | null; body: unknown }>('googleTestOnly.Event');
    const decoded = codec.decode(codec.encode({ at: { seconds: 3, nanos: 0 }, body: null }));
    expect(decoded).toEqual({ at: { seconds: 3, nanos: 0 }, body: null });
  });

  it('converts between Date and Timestamp at millisecond precision', () => {
    const date = new Date('2024-05-06T07:08:09.123Z');
    const timestamp = timestampFromDate(date);
    expect(timestamp).toEqual({ seconds: Math.floor(date.getTime() / 1000), nanos: 123_000_000 });
    expect(dateFromTimestamp(timestamp)).toEqual(date);
    expect(timestampFromDate(new Date(-1))).toEqual({ seconds: -1, nanos: 999_000_000 });
  });

  it('throws on truncated bytes and on an unknown message name', () => {
    expect(() => statusCodec.decode(new Uint8Array([0x12, 0x05, 0x61]))).toThrow(/index out of range/);
    expect(() => new MessageCodec('google.protobuf.Nope')).toThrow(/no such type/);
  });
});
