export {
  addRuntime,
  removeRuntime,
  runtimesPlugin,
  type ConfigEdit,
  type ShimRuntime,
} from './node-installer/containerd-config.js';
export {
  detectPreset,
  type Preset,
  type PresetName,
  type RestartPlan,
} from './node-installer/distro-presets.js';
export { install, type InstallOptions, type InstallResult } from './node-installer/install.js';
export { uninstall, type UninstallOptions, type UninstallResult } from './node-installer/uninstall.js';
export { InstallerError, type InstallerErrorCode } from './node-installer/installer-error.js';
export { trimK8sName } from './shim/k8s-name.js';
export { normalizeArch, resolveArtifact, type ShimArtifact } from './shim/node-platform.js';
export {
  nodeJobName,
  renderNodeJob,
  ASSET_DIR,
  HOST_ROOT,
  type JobSettings,
  type NodeJobInput,
  type NodeOperation,
} from './shim/node-job.js';
export { downloadSettings, type DownloadSettings } from './downloader/download-settings.js';
export { downloadShim, type DownloadedShim } from './downloader/download-shim.js';
export { extractShim } from './downloader/extract-shim.js';
export {
  containerdFor,
  containerdProcesses,
  findContainerd,
  type ProcessInfo,
} from './node-installer/containerd-process.js';
export {
  restartContainerd,
  type RestartOptions,
  type RestartReport,
} from './node-installer/restart-containerd.js';
export { serviceUnitOf } from './node-installer/service-unit.js';
export { defaultShim, type ReleasedArchive } from './release/default-shim.js';
export { shimArchive, shimArchiveName, unameArch, type ShimArchive } from './release/shim-archive.js';
export {
  pushShimArtifact,
  SHIM_ARCHIVE_LAYER,
  SHIM_ARTIFACT_TYPE,
  type PushedShimArtifact,
} from './release/shim-artifact.js';
