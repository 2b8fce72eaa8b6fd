/**
 * Media types of OCI images and of Spin apps in OCI registries, as `spin registry push` and `wkg oci push`
 * write them. Defined here once; `@spinkube/api`'s `OciMediaTypes` is built from these.
 */

export const OCI_IMAGE_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_IMAGE_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const OCI_IMAGE_CONFIG = 'application/vnd.oci.image.config.v1+json';
/** An uncompressed image layer. */
export const OCI_LAYER_TAR = 'application/vnd.oci.image.layer.v1.tar';
/** A gzip-compressed image layer. */
export const OCI_LAYER_TAR_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';

/** A component's wasm (`spin registry push`). */
export const SPIN_WASM_LAYER = 'application/vnd.wasm.content.layer.v1+wasm';
/** One static file of a component. */
export const SPIN_DATA_LAYER = 'application/vnd.wasm.content.layer.v1+data';
/** A tar+gzip archive of static files (`SPIN_OCI_ARCHIVE_LAYERS=1`, or apps with too many files). */
export const SPIN_ARCHIVE_LAYER = 'application/vnd.wasm.content.bundle.v1.tar+gzip';
/** The locked app JSON (`spin.lock`); older artifacts carry it as the manifest config instead. */
export const SPIN_LOCKED_APP = 'application/vnd.fermyon.spin.application.v1+config';
/** A single component pushed by `wkg oci push`. */
export const WKG_WASM_LAYER = 'application/wasm';

/** The config label that ties an image config to its locked app, so each app gets its own image id. */
export const LOCKED_APP_DIGEST_LABEL = 'com.fermyon.spin.lockedAppDigest';

export const SUPPORTED_LAYERS = [
  SPIN_WASM_LAYER,
  SPIN_DATA_LAYER,
  SPIN_ARCHIVE_LAYER,
  SPIN_LOCKED_APP,
  WKG_WASM_LAYER,
] as const;
