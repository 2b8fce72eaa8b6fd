/**
 * The manager's settings from its environment, under upstream's names: `CONTROLLER_NAMESPACE` (where node
 * Jobs run), `SHIM_DOWNLOADER_IMAGE`, `SHIM_NODE_INSTALLER_IMAGE`, `SHIM_NODE_INSTALLER_JOB_TTL` (seconds;
 * set on Jobs only when > 0) and `SHIM_DOWNLOADER_CONFIG_MAP`. Upstream starts with empty images and fails
 * on the first Job; here a missing or malformed value stops the manager at start, naming the variable.
 */
import type { JobSettings } from '../shim/node-job.js';

export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function managerSettings(env: NodeJS.ProcessEnv): JobSettings {
  const namespace = required(env, 'CONTROLLER_NAMESPACE');
  if (namespace.length > 63 || !DNS_LABEL.test(namespace))
    throw new SettingsError(`CONTROLLER_NAMESPACE="${namespace}" is not a namespace name`);
  const ttlText = env['SHIM_NODE_INSTALLER_JOB_TTL']?.trim();
  const ttl = ttlText ? Number(ttlText) : 0;
  if (!Number.isInteger(ttl) || ttl < 0)
    throw new SettingsError(
      `SHIM_NODE_INSTALLER_JOB_TTL="${ttlText ?? ''}" is not a whole number of seconds`,
    );
  const configMap = env['SHIM_DOWNLOADER_CONFIG_MAP']?.trim();
  if (configMap && (configMap.length > 253 || !DNS_SUBDOMAIN.test(configMap)))
    throw new SettingsError(`SHIM_DOWNLOADER_CONFIG_MAP="${configMap}" is not a ConfigMap name`);
  return {
    namespace,
    downloaderImage: image(env, 'SHIM_DOWNLOADER_IMAGE'),
    installerImage: image(env, 'SHIM_NODE_INSTALLER_IMAGE'),
    ...(ttl > 0 ? { jobTtlSeconds: ttl } : {}),
    ...(configMap ? { downloaderConfigMap: configMap } : {}),
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new SettingsError(`${name} is not set`);
  return value;
}

function image(env: NodeJS.ProcessEnv, name: string): string {
  const value = required(env, name);
  if (/\s/.test(value)) throw new SettingsError(`${name}="${value}" is not an image reference`);
  return value;
}
