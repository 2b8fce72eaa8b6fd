import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { helm } from '../src/index.js';
import { useNamespace } from '../src/vitest.js';

const { kubeConfig, kubeconfigPath, namespace } = useNamespace('helm');
const core = kubeConfig.makeApiClient(CoreV1Api);
const chartDir = mkdtempSync(join(tmpdir(), 'spinkube-chart-'));
afterAll(() => rmSync(chartDir, { recursive: true, force: true }));

// A chart small enough to read at a glance: one ConfigMap whose data comes from values.
mkdirSync(join(chartDir, 'templates'));
writeFileSync(join(chartDir, 'Chart.yaml'), 'apiVersion: v2\nname: tiny\nversion: 0.1.0\n');
writeFileSync(join(chartDir, 'values.yaml'), 'greeting: hello\n');
writeFileSync(
  join(chartDir, 'templates', 'configmap.yaml'),
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
);

describe.each([3, 4] as const)('helm %i against the local cluster', (major) => {
  const release = `tiny-v${String(major)}`;

  it('installs a chart, whose objects appear with the given values', async () => {
    const h = await helm(major, kubeconfigPath);
    expect(await h.run(['version', '--short'])).toMatch(new RegExp(`^v${String(major)}\\.`));
    await h.run([
      'install',
      release,
      chartDir,
      '--namespace',
      namespace,
      '--set',
      `greeting=hi-${String(major)}`,
      '--wait',
    ]);
    const configMap = await core.readNamespacedConfigMap({ name: `${release}-config`, namespace });
    expect(configMap.data).toEqual({ greeting: `hi-${String(major)}` });
    expect(await h.run(['list', '--namespace', namespace, '--short'])).toContain(release);
  });

  it('uninstalls it, removing its objects', async () => {
    const h = await helm(major, kubeconfigPath);
    await h.run(['uninstall', release, '--namespace', namespace, '--wait']);
    const list = await core.listNamespacedConfigMap({
      namespace,
      fieldSelector: `metadata.name=${release}-config`,
    });
    expect(list.items).toEqual([]);
  });
});
