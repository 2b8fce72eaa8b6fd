import { eventually } from '@spinkube/test-cluster';
/**
 * Installs the spin-operator the way a user does, on a real-node cluster: the CRDs from charts/spinkube-crds
 * and packages/operator/deploy/ with kubectl, the image built here and pushed to the node's registry, and
 * the shim executor that upstream's quickstart applies beside its samples.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pushImage } from '@spinkube/image-builder';
import { operatorImage, operatorVersion } from '../../packages/operator/scripts/operator-image.ts';
import type { RealNodeCluster } from './real-node-cluster.ts';

const REPOSITORY = join(import.meta.dirname, '..', '..');
const DEPLOY_DIR = join(REPOSITORY, 'packages', 'operator', 'deploy');
const CRD_DIR = join(REPOSITORY, 'charts', 'spinkube-crds', 'templates');
export const OPERATOR_NAMESPACE = 'spin-operator';
export const OPERATOR_DEPLOYMENT = 'spin-operator-controller-manager';

export const SHIM_EXECUTOR = `apiVersion: core.spinkube.dev/v1alpha1
kind: SpinAppExecutor
metadata:
  name: containerd-shim-spin
spec:
  createDeployment: true
  deploymentConfig:
    runtimeClassName: wasmtime-spin-v2
    installDefaultCACerts: true
`;

/** Returns the operator image reference the Deployment runs. */
export async function installOperator(e2e: RealNodeCluster): Promise<string> {
  const reference = `${e2e.node.registry}/spinkube/spin-operator:${operatorVersion()}`;
  await pushImage(await operatorImage(), reference, { insecure: true });
  await e2e.kubectl(['apply', '-f', CRD_DIR]);
  // kubectl wait fails at once on a CRD whose status has no conditions yet, so it is asked again.
  await eventually('the CRDs Established', () =>
    e2e.kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s']),
  );
  const published = `ghcr.io/spinkube/spin-operator:${operatorVersion()}`;
  const manifests = readdirSync(DEPLOY_DIR)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => readFileSync(join(DEPLOY_DIR, file), 'utf8'))
    .join('\n---\n');
  if (!manifests.includes(published))
    throw new Error(`${DEPLOY_DIR} does not name ${published}: the image to replace has changed`);
  await e2e.kubectl(['apply', '-f', '-'], { input: manifests.replaceAll(published, reference) });
  await e2e.kubectl(
    ['-n', OPERATOR_NAMESPACE, 'rollout', 'status', `deployment/${OPERATOR_DEPLOYMENT}`, '--timeout=180s'],
    { timeoutMs: 200_000 },
  );
  return reference;
}

/** Applies the shim executor, retried until the operator's webhooks admit it. */
export async function applyShimExecutor(e2e: RealNodeCluster): Promise<void> {
  await eventually('the executor past the webhooks', () =>
    e2e.kubectl(['apply', '-f', '-'], { input: SHIM_EXECUTOR }),
  );
}
