/**
 * The node's registry: Debian's docker-registry on the host bridge address, reachable from the host (tests
 * push there) and from the node (containerd pulls over plain HTTP), with the pause image pushed at start.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pushImage } from '@spinkube/image-builder';
import { startProcess, waitFor, type StartedProcess } from '../local/processes.js';
import { REGISTRY_BINARY, registryAnswers, writeRegistryConfig } from '../registry/local-registry.js';
import { pauseImage } from './busybox-image.js';
import type { RealNodeState } from './real-node.js';

export async function startNodeRegistry(
  node: RealNodeState,
  logDir: string,
  started: (process: StartedProcess) => void,
): Promise<void> {
  const registryDir = join(node.dir, 'registry');
  mkdirSync(registryDir, { recursive: true });
  const registry = startProcess(
    'registry',
    REGISTRY_BINARY,
    ['serve', writeRegistryConfig(registryDir, node.registry)],
    logDir,
  );
  started(registry);
  await waitFor('the node registry', () => registryAnswers(node.registry), {
    timeoutMs: 15_000,
    process: registry,
  });
  await pushImage(await pauseImage(), node.pauseImage, { insecure: true });
}
