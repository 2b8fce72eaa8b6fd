/**
 * The one protobufjs Root every message description of the shim lives in, the well-known Google messages
 * in it (described here by field number; Google's .proto files are not vendored), and a codec for any
 * message of the root.
 *
 * Other files add their namespaces to the same root (`protoRoot.addJSON(json.nested)`) and name these
 * types by full name (`.google.protobuf.Any`, `.google.protobuf.Timestamp`). Field names are
 * lowerCamelCase, as protobufjs names fields it parses from .proto files, so decoded objects read as
 * ordinary JavaScript; the wire only carries field numbers.
 */
import { Root, type Type } from 'protobufjs';

export const protoRoot: Root = Root.fromJSON({
  nested: {
    google: {
      nested: {
        protobuf: {
          nested: {
            Any: {
              fields: { typeUrl: { type: 'string', id: 1 }, value: { type: 'bytes', id: 2 } },
            },
            Timestamp: {
              fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } },
            },
            Empty: { fields: {} },
          },
        },
        rpc: {
          nested: {
            Status: {
              fields: {
                code: { type: 'int32', id: 1 },
                message: { type: 'string', id: 2 },
                details: { rule: 'repeated', type: '.google.protobuf.Any', id: 3 },
              },
            },
          },
        },
      },
    },
  },
});

export interface AnyMessage {
  typeUrl: string;
  value: Uint8Array;
}

export interface TimestampMessage {
  seconds: number;
  nanos: number;
}

/** `google.rpc.Status`; `code` is a gRPC status code. */
export interface StatusMessage {
  code: number;
  message: string;
  details: AnyMessage[];
}

/**
 * Encodes and decodes one message type of the root as plain objects of type `T`. Decoding fills every
 * field (proto3 defaults, `[]` for repeated, `null` for absent messages) and turns 64-bit integers into
 * numbers: exact up to 2^53, which covers the sizes, pids and nanosecond timeouts containerd sends.
 */
export class MessageCodec<T extends object> {
  readonly type: Type;

  /** `fullName` as in `google.rpc.Status`; throws when the root has no such message. */
  constructor(fullName: string) {
    this.type = protoRoot.lookupType(fullName);
  }

  /** Properties the message does not describe are ignored. */
  encode(value: T): Uint8Array {
    return this.type.encode(this.type.fromObject(value)).finish();
  }

  /** Throws on malformed input. */
  decode(bytes: Uint8Array): T {
    const message = this.type.decode(bytes);
    return this.type.toObject(message, { longs: Number, defaults: true, arrays: true, objects: true }) as T;
  }
}

export const anyCodec = new MessageCodec<AnyMessage>('google.protobuf.Any');
export const timestampCodec = new MessageCodec<TimestampMessage>('google.protobuf.Timestamp');
export const emptyCodec = new MessageCodec<Record<string, never>>('google.protobuf.Empty');
export const statusCodec = new MessageCodec<StatusMessage>('google.rpc.Status');

export function timestampFromDate(date: Date): TimestampMessage {
  const millis = date.getTime();
  const seconds = Math.floor(millis / 1000);
  return { seconds, nanos: (millis - seconds * 1000) * 1_000_000 };
}

/** Millisecond precision, as a JavaScript Date has. */
export function dateFromTimestamp(timestamp: TimestampMessage): Date {
  return new Date(timestamp.seconds * 1000 + Math.floor(timestamp.nanos / 1_000_000));
}
