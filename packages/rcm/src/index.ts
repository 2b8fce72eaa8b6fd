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
export { uninstall, type UninstallOptions } from './node-installer/uninstall.js';
export { InstallerError, type InstallerErrorCode } from './node-installer/installer-error.js';
