/** Where a component's fields sit in its manifest, for errors found after loading. */
import type { SourceLocation } from '../errors.js';
import type { AppManifest, ComponentSpec } from './types.js';

/** File, line and field path of a component's field (`component.hello.files[1]`). */
export function componentFieldLocation(
  manifest: AppManifest,
  spec: ComponentSpec,
  field: string,
): SourceLocation {
  const path = `${spec.fieldPath ?? `component.${spec.id}`}.${field}`;
  const line = manifest.lineOf(path);
  return { file: manifest.file, field: path, ...(line === undefined ? {} : { line }) };
}
