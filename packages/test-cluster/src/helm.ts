/** Runs a pinned helm (v3 or v4) against a cluster's kubeconfig. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { binaryPath, ensureTool, helm3Tool, helm4Tool } from './provision/tools.js';

const run = promisify(execFile);

export type HelmMajor = 3 | 4;

export interface Helm {
  readonly major: HelmMajor;
  readonly binary: string;
  /** Runs `helm <args>` with `--kubeconfig`; rejects with helm's stderr on failure. */
  run(args: readonly string[]): Promise<string>;
}

export async function helm(major: HelmMajor, kubeconfigPath: string): Promise<Helm> {
  const binary = binaryPath(await ensureTool(major === 3 ? helm3Tool : helm4Tool), 'helm');
  return {
    major,
    binary,
    async run(args) {
      try {
        const { stdout } = await run(binary, [...args, '--kubeconfig', kubeconfigPath], {
          timeout: 300_000,
          env: {
            ...process.env,
            HELM_CACHE_HOME: `${kubeconfigPath}.helm/cache`,
            HELM_CONFIG_HOME: `${kubeconfigPath}.helm/config`,
            HELM_DATA_HOME: `${kubeconfigPath}.helm/data`,
          },
        });
        return stdout;
      } catch (error) {
        const stderr = (error as { stderr?: string }).stderr ?? '';
        throw new Error(`helm ${args.join(' ')} failed: ${stderr.trim() || String(error)}`, { cause: error });
      }
    },
  };
}
