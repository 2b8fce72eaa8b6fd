import { Reader } from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { anyCodec } from '../proto/google.js';
import { SHIM_REVISION, SHIM_VERSION } from '../version.js';
import { runtimeInfo } from './info-command.js';

/** Field number → raw values, read straight off the wire (independent of the shim's message descriptions). */
function fields(bytes: Uint8Array): Map<number, Uint8Array[]> {
  const reader = Reader.create(bytes);
  const found = new Map<number, Uint8Array[]>();
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    expect(tag & 7).toBe(2); // every RuntimeInfo field we write is length-delimited
    const list = found.get(tag >>> 3) ?? [];
    list.push(reader.bytes());
    found.set(tag >>> 3, list);
  }
  return found;
}
const text = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? []).toString();

describe('-info', () => {
  it('writes name (1), version and revision (2.1, 2.2) and echoes the options Any (3) byte for byte', () => {
    const options = anyCodec.encode({
      typeUrl: 'runtimeoptions.v1.Options',
      value: Buffer.from([10, 1, 120]),
    });
    const top = fields(runtimeInfo(options));
    expect(text(top.get(1)?.[0])).toBe('io.containerd.spin.v2');
    const version = fields(top.get(2)?.[0] ?? new Uint8Array());
    expect([text(version.get(1)?.[0]), text(version.get(2)?.[0])]).toEqual([SHIM_VERSION, SHIM_REVISION]);
    expect(Buffer.from(top.get(3)?.[0] ?? []).equals(Buffer.from(options))).toBe(true);
    expect([...top.keys()].sort()).toEqual([1, 2, 3]);
  });

  it('leaves the options out when containerd sends none', () => {
    expect([...fields(runtimeInfo(new Uint8Array())).keys()].sort()).toEqual([1, 2]);
  });
});
