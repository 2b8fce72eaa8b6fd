/**
 * The protobuf messages of the ttrpc protocol (package `ttrpc`), described by field number in the shared
 * root; containerd/ttrpc's request.proto is not vendored.
 */
import { MessageCodec, protoRoot, type StatusMessage } from '../proto/google.js';

protoRoot.addJSON({
  ttrpc: {
    nested: {
      Request: {
        fields: {
          service: { type: 'string', id: 1 },
          method: { type: 'string', id: 2 },
          payload: { type: 'bytes', id: 3 },
          timeoutNano: { type: 'int64', id: 4 },
          metadata: { rule: 'repeated', type: '.ttrpc.KeyValue', id: 5 },
        },
      },
      Response: {
        fields: {
          status: { type: '.google.rpc.Status', id: 1 },
          payload: { type: 'bytes', id: 2 },
        },
      },
      KeyValue: {
        fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } },
      },
    },
  },
});

export interface KeyValue {
  key: string;
  value: string;
}

export interface TtrpcRequest {
  service: string;
  method: string;
  payload: Uint8Array;
  /** The caller's deadline, relative, in nanoseconds; 0 means none. */
  timeoutNano: number;
  metadata: KeyValue[];
}

export interface TtrpcResponse {
  /** Absent means OK; Go peers always send one, so the server does too. */
  status: StatusMessage | null;
  payload: Uint8Array;
}

export const requestCodec = new MessageCodec<TtrpcRequest>('ttrpc.Request');
export const responseCodec = new MessageCodec<TtrpcResponse>('ttrpc.Response');
