/**
 * Turns socket chunks into ttrpc frames: a header may arrive split over chunks and a chunk may hold
 * several frames. A frame whose declared length exceeds the maximum is skipped without being buffered
 * and reported as `oversize`, so the peer can be answered on that stream and the connection lives on
 * (as Go ttrpc does).
 */
import {
  FRAME_HEADER_LENGTH,
  MAX_FRAME_DATA_LENGTH,
  decodeFrameHeader,
  type Frame,
  type FrameHeader,
} from './frame.js';

export type FrameEvent =
  | { readonly kind: 'frame'; readonly frame: Frame }
  | { readonly kind: 'oversize'; readonly header: FrameHeader };

export class FrameReader {
  readonly #header = Buffer.alloc(FRAME_HEADER_LENGTH);
  #headerFilled = 0;
  /** The frame being read, once its header is complete. */
  #current: FrameHeader | undefined;
  #data: Buffer | undefined;
  #dataFilled = 0;
  #skipRemaining = 0;

  /** Consumes `chunk` and returns the events it completes, in order. */
  push(chunk: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#skipRemaining > 0) {
        const skipped = Math.min(this.#skipRemaining, chunk.length - offset);
        this.#skipRemaining -= skipped;
        offset += skipped;
      } else if (this.#current === undefined) {
        offset = this.#readHeader(chunk, offset, events);
      } else {
        offset = this.#readData(chunk, offset, this.#current, events);
      }
    }
    return events;
  }

  /** True when no partial frame is buffered: the peer stopped on a frame boundary. */
  get idle(): boolean {
    return this.#headerFilled === 0 && this.#current === undefined && this.#skipRemaining === 0;
  }

  #readHeader(chunk: Uint8Array, offset: number, events: FrameEvent[]): number {
    const taken = Math.min(FRAME_HEADER_LENGTH - this.#headerFilled, chunk.length - offset);
    this.#header.set(chunk.subarray(offset, offset + taken), this.#headerFilled);
    this.#headerFilled += taken;
    if (this.#headerFilled < FRAME_HEADER_LENGTH) return offset + taken;

    this.#headerFilled = 0;
    const header = decodeFrameHeader(this.#header);
    if (header.length > MAX_FRAME_DATA_LENGTH) {
      this.#skipRemaining = header.length;
      events.push({ kind: 'oversize', header });
    } else if (header.length === 0) {
      events.push({ kind: 'frame', frame: { ...frameOf(header), data: new Uint8Array(0) } });
    } else {
      this.#current = header;
    }
    return offset + taken;
  }

  #readData(chunk: Uint8Array, offset: number, header: FrameHeader, events: FrameEvent[]): number {
    const available = chunk.length - offset;
    // The common case, a whole frame inside one chunk, is a view and not a copy.
    if (this.#dataFilled === 0 && available >= header.length) {
      this.#finish(header, chunk.subarray(offset, offset + header.length), events);
      return offset + header.length;
    }
    this.#data ??= Buffer.allocUnsafe(header.length);
    const taken = Math.min(header.length - this.#dataFilled, available);
    this.#data.set(chunk.subarray(offset, offset + taken), this.#dataFilled);
    this.#dataFilled += taken;
    if (this.#dataFilled === header.length) {
      this.#finish(header, this.#data, events);
    }
    return offset + taken;
  }

  #finish(header: FrameHeader, data: Uint8Array, events: FrameEvent[]): void {
    events.push({ kind: 'frame', frame: { ...frameOf(header), data } });
    this.#current = undefined;
    this.#data = undefined;
    this.#dataFilled = 0;
  }
}

function frameOf(header: FrameHeader): Omit<Frame, 'data'> {
  return { streamId: header.streamId, type: header.type, flags: header.flags };
}
