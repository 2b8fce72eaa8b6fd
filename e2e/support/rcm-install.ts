/**
 * Installs the runtime-class-manager the way a user does, on a real-node cluster: the CRDs from
 * charts/spinkube-crds and packages/rcm/deploy/ with kubectl, its three images (manager, node installer,
 * shim downloader; `npx nx run rcm:package` first) built here and pushed to the node's registry, and the
 * downloader's ConfigMap (`SHIM_DOWNLOADER_CONFIG_MAP`) that lets it reach that registry over plain HTTP.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pushImage } from '@spinkube/image-builder';
import { eventually } from '@spinkube/test-cluster';
import { buildRcmImage, imageReference, RCM_IMAGES } from '../../packages/rcm/scripts/rcm-images.ts';
import type { RealNodeCluster } from './real-node-cluster.ts';

const REPOSITORY = join(import.meta.dirname, '..', '..');
const DEPLOY_DIR = join(REPOSITORY, 'packages', 'rcm', 'deploy');
const CRD_DIR = join(REPOSITORY, 'charts', 'spinkube-crds', 'templates');
export const RCM_NAMESPACE = 'runtime-class-manager';
export const RCM_DEPLOYMENT = 'runtime-class-manager';
const DOWNLOADER_CONFIG = 'shim-downloader';

export async function installRuntimeClassManager(e2e: RealNodeCluster): Promise<void> {
  const registryPrefix = `${e2e.node.registry}/spinkube`;
  for (const image of RCM_IMAGES)
    await pushImage(await buildRcmImage(image), imageReference(image.name, registryPrefix), {
      insecure: true,
    });
  await e2e.kubectl(['apply', '-f', CRD_DIR]);
  await eventually('the CRDs Established', () =>
    e2e.kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']),
  );
  let manifests = readdirSync(DEPLOY_DIR)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => readFileSync(join(DEPLOY_DIR, file), 'utf8'))
    .join('\n---\n');
  for (const image of RCM_IMAGES) {
    const published = imageReference(image.name);
    if (!manifests.includes(published))
      throw new Error(`${DEPLOY_DIR} does not name ${published}: the image to replace has changed`);
    manifests = manifests.replaceAll(published, imageReference(image.name, registryPrefix));
  }
  await e2e.kubectl(['apply', '-f', '-'], { input: manifests });
  await e2e.kubectl([
    '-n',
    RCM_NAMESPACE,
    'create',
    'configmap',
    DOWNLOADER_CONFIG,
    '--from-literal=NUM_RETRY=1',
    '--from-literal=SLEEP_DURATION=1',
    `--from-literal=SHIM_OCI_PLAIN_HTTP=${e2e.node.registry}`,
  ]);
  await e2e.kubectl([
    '-n',
    RCM_NAMESPACE,
    'set',
    'env',
    `deployment/${RCM_DEPLOYMENT}`,
    `SHIM_DOWNLOADER_CONFIG_MAP=${DOWNLOADER_CONFIG}`,
  ]);
  await e2e.kubectl(
    ['-n', RCM_NAMESPACE, 'rollout', 'status', `deployment/${RCM_DEPLOYMENT}`, '--timeout=180s'],
    { timeoutMs: 200_000 },
  );
}
