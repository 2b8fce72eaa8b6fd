/**
 * The spin-operator container image: the single executable (`dist/spin-operator`, from `npx nx run
 * operator:package`) on @spinkube/image-builder's executable base (CA certificates, its shared libraries,
 * non-root user 65532), with `org.opencontainers.image.*` labels and annotations.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  executableImage,
  openContainersLabels,
  sourceRevision,
  type BuiltImage,
} from '@spinkube/image-builder';
import { operatorVersion } from '../src/cli/version.ts';

export { operatorVersion };

const packageRoot = resolve(import.meta.dirname, '..');
export const OPERATOR_EXECUTABLE = join(packageRoot, 'dist', 'spin-operator');

export async function operatorImage(): Promise<BuiltImage> {
  if (!existsSync(OPERATOR_EXECUTABLE))
    throw new Error(`${OPERATOR_EXECUTABLE} is missing: build it with npx nx run operator:package`);
  const labels = openContainersLabels({
    title: 'spin-operator',
    description: 'SpinApp and SpinAppExecutor controllers and admission webhooks (SpinKube in TypeScript)',
    version: operatorVersion(),
    licenses: 'Apache-2.0',
    ...sourceRevision(packageRoot),
  });
  return executableImage({
    executable: OPERATOR_EXECUTABLE,
    // glibc's malloc keeps fewer arenas, as the operator's shebang asks.
    env: { MALLOC_ARENA_MAX: '2' },
    exposedPorts: ['8080/tcp', '8082/tcp', '9443/tcp'],
    labels,
    annotations: labels,
  });
}
