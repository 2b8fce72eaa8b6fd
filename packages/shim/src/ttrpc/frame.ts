/**
 * ttrpc frames (containerd/ttrpc PROTOCOL.md): a 10-byte big-endian header — data length (uint32),
 * stream id (uint32), message type (uint8), flags (uint8) — followed by the data.
 */

export const FRAME_HEADER_LENGTH = 10;
/** Larger frames are rejected by every ttrpc peer (`4 << 20`). */
export const MAX_FRAME_DATA_LENGTH = 4 << 20;

export const MessageType = { Request: 0x01, Response: 0x02, Data: 0x03 } as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Request and Data flags; a Request with no flags is unary, and Responses carry none. */
export const FrameFlag = { RemoteClosed: 0x01, RemoteOpen: 0x02, NoData: 0x04 } as const;

export interface FrameHeader {
  /** Length of the data that follows the header. */
  readonly length: number;
  readonly streamId: number;
  /** Usually a MessageType; unknown types are passed on so readers can skip them. */
  readonly type: number;
  readonly flags: number;
}

export interface Frame {
  readonly streamId: number;
  readonly type: number;
  readonly flags: number;
  readonly data: Uint8Array;
}

export function decodeFrameHeader(bytes: Uint8Array): FrameHeader {
  if (bytes.length < FRAME_HEADER_LENGTH) {
    throw new RangeError(`a ttrpc frame header is ${FRAME_HEADER_LENGTH} bytes, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, FRAME_HEADER_LENGTH);
  return {
    length: view.getUint32(0),
    streamId: view.getUint32(4),
    type: view.getUint8(8),
    flags: view.getUint8(9),
  };
}

export function encodeFrameHeader(header: FrameHeader): Buffer {
  const bytes = Buffer.allocUnsafe(FRAME_HEADER_LENGTH);
  bytes.writeUInt32BE(header.length, 0);
  bytes.writeUInt32BE(header.streamId, 4);
  bytes.writeUInt8(header.type, 8);
  bytes.writeUInt8(header.flags, 9);
  return bytes;
}

/** Header and data as one buffer, so a frame is one socket write and never interleaves with another. */
export function encodeFrame(frame: Frame): Buffer {
  if (frame.data.length > MAX_FRAME_DATA_LENGTH) {
    throw new RangeError(oversizeMessage(frame.data.length));
  }
  const header = encodeFrameHeader({ ...frame, length: frame.data.length });
  return Buffer.concat([header, frame.data]);
}

/** Go ttrpc's wording, so logs read the same whichever side refused. */
export function oversizeMessage(length: number): string {
  return `message length ${length} exceed maximum message size of ${MAX_FRAME_DATA_LENGTH}`;
}
