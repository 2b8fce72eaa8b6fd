export { ImageBuildError } from './errors.js';
export { imagePath, normalizeEntries, type TarEntry } from './tar-entry.js';
export { packTar, type PackOptions } from './pack-tar.js';
export { directoryEntries, type DirectoryEntriesOptions } from './directory-entries.js';
export { imageLayer, type ImageLayer, type LayerOptions } from './layer.js';
export { imageConfig, LINUX_AMD64, type RunConfig } from './image-config.js';
export { openContainersLabels, type ImageDescription } from './labels.js';
export { sourceRevision } from './source-revision.js';
export { buildImage, type BuiltImage, type ImageSpec } from './build-image.js';
export { ociArchive, tagOf, type ArchivedImage } from './oci-archive.js';
export { pushImage, type PushedImage } from './push-image.js';
export { parseLddOutput, sharedLibraryEntries } from './shared-libraries.js';
export {
  executableImage,
  CA_CERTIFICATES,
  NONROOT_UID,
  type ExecutableImageOptions,
} from './executable-image.js';
