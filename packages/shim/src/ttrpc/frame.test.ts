import { describe, expect, it } from 'vitest';
import {
  MAX_FRAME_DATA_LENGTH,
  MessageType,
  decodeFrameHeader,
  encodeFrame,
  encodeFrameHeader,
} from './frame.js';

describe('ttrpc frame header', () => {
  it('lays out length, stream id, type and flags big-endian in 10 bytes', () => {
    const bytes = encodeFrameHeader({
      length: 0x010203,
      streamId: 0x0a0b0c0d,
      type: MessageType.Data,
      flags: 0x05,
    });
    expect(bytes.toString('hex')).toBe('000102030a0b0c0d0305');
    expect(decodeFrameHeader(bytes)).toEqual({ length: 0x010203, streamId: 0x0a0b0c0d, type: 3, flags: 5 });
  });

  it('puts header and data in one buffer', () => {
    const frame = encodeFrame({ streamId: 1, type: MessageType.Request, flags: 0, data: Buffer.from('hi') });
    expect(frame.toString('hex')).toBe('0000000200000001010068' + '69');
  });

  it('refuses to encode more than 4 MiB of data, with Go ttrpc wording', () => {
    expect(MAX_FRAME_DATA_LENGTH).toBe(4 * 1024 * 1024);
    const data = new Uint8Array(MAX_FRAME_DATA_LENGTH + 1);
    expect(() => encodeFrame({ streamId: 1, type: MessageType.Request, flags: 0, data })).toThrow(
      'message length 4194305 exceed maximum message size of 4194304',
    );
  });

  it('rejects a short header', () => {
    expect(() => decodeFrameHeader(new Uint8Array(9))).toThrow(RangeError);
  });
});
