export { OciError, type OciErrorCode } from './errors.js';
export { sha256Digest, isDigest, verifyDigest } from './digest.js';
export { ociBlob, jsonBlob, type OciBlob } from './blob.js';
export * from './media-types.js';
export {
  parseReference,
  formatReference,
  isOciReference,
  isLoopbackRegistry,
  registryEndpoint,
  DOCKER_HUB,
  type OciReference,
} from './reference.js';
export {
  parseManifestBytes,
  selectWasmManifest,
  type OciDescriptor,
  type OciImageManifest,
  type OciImageIndex,
  type OciPlatform,
  type ParsedManifest,
} from './image-manifest.js';
export { dockerConfigPath, registryCredentials, type Credentials } from './docker-config.js';
export { RegistryClient, type RegistryClientOptions, type FetchedManifest } from './registry-client.js';
