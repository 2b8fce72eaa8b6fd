/**
 * Starts one real cluster for the whole test run and hands its kubeconfig to every test file. The tools are
 * provisioned first (built from the Go module proxy on a cold cache, reused afterwards).
 */
import { clusterGlobalSetup } from '../src/vitest.js';

export const { setup, teardown } = clusterGlobalSetup('spinkube-test');
