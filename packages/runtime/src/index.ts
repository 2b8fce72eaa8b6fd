export { RuntimeError, formatLocation, type RuntimeErrorCode, type SourceLocation } from './errors.js';
export { loadManifest, parseManifest, DEFAULT_MANIFEST_FILE } from './manifest/load-manifest.js';
export { parseTemplate, renderTemplate, templateReferences, type TemplatePart } from './manifest/template.js';
export type * from './manifest/types.js';
