import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { kubeconfigYaml } from './kubeconfig.js';

describe('kubeconfigYaml', () => {
  it('writes a self-contained client-certificate kubeconfig that client-node loads', () => {
    const yaml = kubeconfigYaml({
      server: 'https://127.0.0.1:6443',
      caPem: 'CA',
      user: 'spinkube-admin',
      client: { certPem: 'CERT', keyPem: 'KEY' },
      context: 'local',
    });
    const config = new KubeConfig();
    config.loadFromString(yaml);
    expect(config.getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
    expect(config.getCurrentUser()?.name).toBe('spinkube-admin');
    expect(Buffer.from(config.getCurrentUser()?.certData ?? '', 'base64').toString()).toBe('CERT');
    expect(config.getCurrentUser()?.token).toBeUndefined();
  });
});
