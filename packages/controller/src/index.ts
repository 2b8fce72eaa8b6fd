// Public API of @spinkube/controller; each module adds its exports here.

// Informers: list + watch with a self-healing cache.
export { Informer, type InformerOptions, type InformerEvent } from './informer/informer.js';
export { collectionPath, objectKey, type ResourceType } from './informer/resource-path.js';
