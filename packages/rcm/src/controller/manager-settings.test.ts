import { describe, expect, it } from 'vitest';
import { managerSettings } from './manager-settings.js';

const base = {
  CONTROLLER_NAMESPACE: 'spinkube',
  SHIM_DOWNLOADER_IMAGE: 'ghcr.io/spinkube/shim-downloader:0.1.0',
  SHIM_NODE_INSTALLER_IMAGE: 'ghcr.io/spinkube/node-installer:0.1.0',
};

describe('managerSettings', () => {
  it("reads upstream's variables", () => {
    expect(managerSettings(base)).toEqual({
      namespace: 'spinkube',
      downloaderImage: 'ghcr.io/spinkube/shim-downloader:0.1.0',
      installerImage: 'ghcr.io/spinkube/node-installer:0.1.0',
    });
    expect(
      managerSettings({
        ...base,
        SHIM_NODE_INSTALLER_JOB_TTL: '300',
        SHIM_DOWNLOADER_CONFIG_MAP: 'downloader',
      }),
    ).toMatchObject({ jobTtlSeconds: 300, downloaderConfigMap: 'downloader' });
    expect(managerSettings({ ...base, SHIM_NODE_INSTALLER_JOB_TTL: '0' }).jobTtlSeconds).toBeUndefined();
  });

  it('names the variable that is missing or wrong', () => {
    expect(() => managerSettings({ ...base, CONTROLLER_NAMESPACE: '' })).toThrow(
      'CONTROLLER_NAMESPACE is not set',
    );
    expect(() => managerSettings({ ...base, SHIM_NODE_INSTALLER_IMAGE: undefined })).toThrow(
      'SHIM_NODE_INSTALLER_IMAGE is not set',
    );
    expect(() => managerSettings({ ...base, SHIM_NODE_INSTALLER_JOB_TTL: '5m' })).toThrow(
      'SHIM_NODE_INSTALLER_JOB_TTL="5m" is not a whole number of seconds',
    );
    expect(() => managerSettings({ ...base, CONTROLLER_NAMESPACE: 'Spin_Kube' })).toThrow(
      'not a namespace name',
    );
  });
});
