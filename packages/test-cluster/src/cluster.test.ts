import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { startCluster } from './cluster.js';
import { TestClusterError } from './errors.js';

vi.mock('./kind/kind-cluster.js', () => ({
  startKindCluster: vi.fn(() => {
    const dataDir = mkdtempSync(join(tmpdir(), 'spinkube-kind-test-'));
    const kubeconfigPath = join(dataDir, 'kubeconfig');
    writeFileSync(
      kubeconfigPath,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{ name: k, cluster: { server: "https://127.0.0.1:1" } }]',
        'users: [{ name: k, user: {} }]',
        'contexts: [{ name: k, context: { cluster: k, user: k } }]',
        'current-context: k',
      ].join('\n'),
    );
    return Promise.resolve({ provider: 'kind', name: 'kind-test', dataDir, kubeconfigPath, kind: 'kind' });
  }),
  stopKindCluster: vi.fn(() => Promise.resolve()),
}));

describe('startCluster with the kind provider', () => {
  it('rejects restartComponent as not supported for kind clusters', async () => {
    const cluster = await startCluster({ provider: 'kind' });
    const restart = cluster.restartComponent('kube-apiserver');
    await expect(restart).rejects.toThrow(TestClusterError);
    await expect(restart).rejects.toMatchObject({ code: 'NotSupported' });
    await expect(restart).rejects.toThrow(/not supported for kind clusters/);
    expect(cluster.processes()).toEqual([]);
    rmSync(cluster.dataDir, { recursive: true, force: true });
  });
});
