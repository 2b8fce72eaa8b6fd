/**
 * Starts one real cluster for the whole test run and hands its kubeconfig to every test file. The tools are
 * provisioned first (built from the Go module proxy on a cold cache, reused afterwards).
 */
import type { TestProject } from 'vitest/node';
import { startCluster, type TestCluster } from '../src/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfigPath: string;
  }
}

let cluster: TestCluster | undefined;

export async function setup(project: TestProject): Promise<void> {
  cluster = await startCluster({
    name: 'spinkube-test',
    log: (line) => process.stderr.write(`[cluster] ${line}\n`),
  });
  project.provide('kubeconfigPath', cluster.kubeconfigPath);
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
}
