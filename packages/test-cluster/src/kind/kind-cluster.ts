/**
 * The kind provider: the same cluster interface on a kind cluster, for machines with Docker and access to
 * public images (CI runners, laptops). Nodes are real kind nodes there, not kwok.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TestClusterError } from '../errors.js';
import { binaryPath, ensureTool, kindTool } from '../provision/tools.js';
import { Versions } from '../versions.js';

const run = promisify(execFile);

export interface KindClusterState {
  readonly provider: 'kind';
  readonly name: string;
  readonly dataDir: string;
  readonly kubeconfigPath: string;
  readonly kind: string;
}

export async function startKindCluster(
  options: { name?: string; dataDir?: string; log?: (line: string) => void } = {},
): Promise<KindClusterState> {
  const log = options.log ?? (() => undefined);
  try {
    await run('docker', ['info'], { timeout: 10_000 });
  } catch (error) {
    throw new TestClusterError(
      'ProviderUnavailable',
      'the kind provider needs a running Docker engine (`docker info` failed); use the local provider here',
      { cause: error },
    );
  }
  const kind = binaryPath(await ensureTool(kindTool, log), 'kind');
  const name = options.name ?? 'spinkube';
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'spinkube-kind-'));
  mkdirSync(dataDir, { recursive: true });
  const kubeconfigPath = join(dataDir, 'kubeconfig');
  const clusters = (await run(kind, ['get', 'clusters'])).stdout.split('\n');
  if (!clusters.includes(name)) {
    log(`creating kind cluster ${name} (${Versions.kindNodeImage})`);
    await run(
      kind,
      [
        'create',
        'cluster',
        '--name',
        name,
        '--image',
        Versions.kindNodeImage,
        '--wait',
        '120s',
        '--kubeconfig',
        kubeconfigPath,
      ],
      {
        timeout: 300_000,
      },
    );
  } else {
    await run(kind, ['export', 'kubeconfig', '--name', name, '--kubeconfig', kubeconfigPath]);
  }
  return { provider: 'kind', name, dataDir, kubeconfigPath, kind };
}

export async function stopKindCluster(state: Pick<KindClusterState, 'name' | 'dataDir'>): Promise<void> {
  const kind = binaryPath(await ensureTool(kindTool), 'kind');
  await run(kind, ['delete', 'cluster', '--name', state.name], { timeout: 120_000 });
  rmSync(state.dataDir, { recursive: true, force: true });
}
