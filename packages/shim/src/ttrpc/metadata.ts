/** ttrpc call metadata: repeated key/value pairs on the wire, a key → values map for handlers. */
import type { KeyValue } from './messages.js';

/** The key containerd puts the namespace of a call under. */
export const NAMESPACE_METADATA_KEY = 'containerd-namespace-ttrpc';

export type CallMetadata = ReadonlyMap<string, readonly string[]>;

/** A client's metadata option: one value or several per key. */
export type MetadataInit = Readonly<Record<string, string | readonly string[]>>;

export function metadataFromKeyValues(pairs: readonly KeyValue[]): CallMetadata {
  const metadata = new Map<string, string[]>();
  for (const { key, value } of pairs) {
    const values = metadata.get(key);
    if (values) values.push(value);
    else metadata.set(key, [value]);
  }
  return metadata;
}

export function keyValuesFromMetadata(init: MetadataInit): KeyValue[] {
  return Object.entries(init).flatMap(([key, values]) =>
    (typeof values === 'string' ? [values] : values).map((value) => ({ key, value })),
  );
}
